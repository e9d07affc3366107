import type { ReplicationSettings } from '../../sync/replication/replication-settings.ts';

/** Where this device meets its other devices: signaling, relay and the relay's blob API. */
export interface SyncUrls {
  readonly signalingUrls: readonly string[];
  readonly relayUrl: string;
  readonly blobsUrl: string;
  /** STUN/TURN servers from Settings; none by default (host candidates only). */
  readonly iceServers?: readonly RTCIceServer[];
}

/**
 * The servers `npm start` puts beside the app on the same origin (sync/server/attach-sync.ts):
 * `/signal`, `/relay`, `/relay-blobs`. Used until the person sets others in Settings, so a
 * fresh install syncs through the host that served it and nowhere else.
 */
export function defaultSyncUrls(origin: string = location.origin): SyncUrls {
  const http = new URL(origin);
  const ws = new URL(origin);
  ws.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';
  return {
    signalingUrls: [new URL('/signal', ws).toString()],
    relayUrl: new URL('/relay', ws).toString(),
    blobsUrl: new URL('/relay-blobs', http).toString(),
  };
}

/** The replication settings for these URLs: host candidates only, no STUN (nothing public). */
export function replicationSettingsFor(urls: SyncUrls): ReplicationSettings {
  return { signalingUrls: urls.signalingUrls, relayUrl: urls.relayUrl, iceServers: urls.iceServers ?? [] };
}
