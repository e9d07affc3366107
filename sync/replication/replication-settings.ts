import { DERIVED_ROOM_ID } from '../transport/derive-room-id.ts';

/** Where a notebook's box goes besides this device; from the user's settings, never built in. */
export interface ReplicationSettings {
  /** Our signaling servers (`ws://HOST/signal`). Empty: no peer-to-peer sync. */
  readonly signalingUrls: readonly string[];
  /** Our relay (`ws://HOST/relay`, one socket for every room). Absent: no relay. */
  readonly relayUrl?: string;
  /** STUN/TURN servers for WebRTC; `[]` means host candidates only. */
  readonly iceServers: readonly RTCIceServer[];
  /**
   * What the relay at `relayUrl` announced it runs (RELAY.md "The engine"); anything but
   * RELAY_ENGINE is refused. Absent (it announced nothing): the relay is taken to be Hocuspocus.
   */
  readonly relayEngine?: string;
}

/**
 * The one relay engine this client speaks; the server announces its own
 * (relay-engine-announce.ts), and the y-websocket relay of earlier versions announced `y-websocket`.
 */
export const RELAY_ENGINE = 'hocuspocus';

export type ReplicationConfigCode =
  | 'E_REPLICATION_NO_TRANSPORT'
  | 'E_REPLICATION_SIGNALING_URL'
  | 'E_REPLICATION_RELAY_URL'
  | 'E_REPLICATION_ICE_SERVER'
  | 'E_REPLICATION_PUBLIC_DEFAULT'
  | 'E_REPLICATION_ROOM'
  | 'E_REPLICATION_PASSWORD'
  | 'E_REPLICATION_NO_WEBRTC'
  | 'E_REPLICATION_RELAY_ENGINE';

/** Settings replicateBox refuses; `code` is stable (sync/ERRORS.md), the message is for logs. */
export class ReplicationConfigError extends Error {
  constructor(
    readonly code: ReplicationConfigCode,
    message: string,
  ) {
    super(message);
    this.name = 'ReplicationConfigError';
  }
}

/**
 * Note: y-webrtc uses these signaling servers and simple-peer these STUN servers when given
 * none; a setting naming them by hand would tell a third party which rooms we use and when.
 */
const PUBLIC_DEFAULT_HOSTS = [
  'signaling.yjs.dev',
  'y-webrtc-signaling-eu.herokuapp.com',
  'y-webrtc-signaling-us.herokuapp.com',
  'stun.l.google.com',
  'global.stun.twilio.com',
];

/** Throws ReplicationConfigError for the first problem; returns the URLs normalised. */
export function checkReplicationSettings(settings: ReplicationSettings, roomId: string, password: string): ReplicationSettings {
  if (!DERIVED_ROOM_ID.test(roomId)) throw new ReplicationConfigError('E_REPLICATION_ROOM', 'room id must come from deriveRoomId');
  if (password.length < 16 || password === roomId) {
    throw new ReplicationConfigError('E_REPLICATION_PASSWORD', 'room password must come from deriveRoomPassword');
  }
  if (!Array.isArray(settings.signalingUrls)) throw new ReplicationConfigError('E_REPLICATION_SIGNALING_URL', 'signalingUrls must be a list');
  if (settings.signalingUrls.length === 0 && settings.relayUrl === undefined) {
    throw new ReplicationConfigError('E_REPLICATION_NO_TRANSPORT', 'neither a signaling server nor a relay is set');
  }
  const signalingUrls = settings.signalingUrls.map((url) => websocketUrl(url, 'E_REPLICATION_SIGNALING_URL'));
  const relayUrl = settings.relayUrl === undefined ? undefined : websocketUrl(settings.relayUrl, 'E_REPLICATION_RELAY_URL');
  if (!Array.isArray(settings.iceServers)) {
    throw new ReplicationConfigError('E_REPLICATION_ICE_SERVER', 'iceServers must be a list (empty for host candidates only)');
  }
  settings.iceServers.forEach(checkIceServer);
  const engine = settings.relayEngine;
  if (engine !== undefined && engine !== RELAY_ENGINE) {
    throw new ReplicationConfigError('E_REPLICATION_RELAY_ENGINE', `relay engine ${JSON.stringify(engine).slice(0, 40)}: this client speaks ${RELAY_ENGINE} only (run the relay of this version)`);
  }
  return { signalingUrls, relayUrl, iceServers: settings.iceServers, ...(engine ? { relayEngine: engine } : {}) };
}

function websocketUrl(url: string, code: ReplicationConfigCode): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ReplicationConfigError(code, `${JSON.stringify(url)} is not a URL`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw new ReplicationConfigError(code, `${JSON.stringify(url)} must be ws: or wss:`);
  // The relay appends the room id as a path segment; a query or credentials would ride along on every connection.
  if (parsed.search || parsed.hash || parsed.username || parsed.password) {
    throw new ReplicationConfigError(code, `${JSON.stringify(url)} must not carry a query, fragment or credentials`);
  }
  checkNotPublic(parsed.hostname);
  return parsed.toString().replace(/\/$/, '');
}

function checkIceServer(server: RTCIceServer): void {
  const urls = typeof server?.urls === 'string' ? [server.urls] : server?.urls;
  if (!Array.isArray(urls) || urls.length === 0) throw new ReplicationConfigError('E_REPLICATION_ICE_SERVER', 'an ICE server needs urls');
  for (const url of urls) {
    const match = /^(stun|stuns|turn|turns):([^:?/]+)/.exec(String(url));
    if (!match) throw new ReplicationConfigError('E_REPLICATION_ICE_SERVER', `${JSON.stringify(url)} is not a stun:/turn: URL`);
    checkNotPublic(match[2] as string);
  }
}

function checkNotPublic(hostname: string): void {
  const host = hostname.toLowerCase();
  const isPublic = PUBLIC_DEFAULT_HOSTS.some((known) => host === known || host.endsWith(`.${known}`)) || /^stun\d*\.l\.google\.com$/.test(host);
  if (isPublic) {
    throw new ReplicationConfigError('E_REPLICATION_PUBLIC_DEFAULT', `${hostname} is a public default server; set your own`);
  }
}
