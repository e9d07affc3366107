import { RELAY_ENGINES, type RelayEngineSetting } from './replication-settings.ts';

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** `ws://host/relay` -> `http://host/relay-engine`, where the relay says which engine it runs. */
export function relayEngineUrl(relayUrl: string): string {
  const url = new URL(relayUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = `${url.pathname.replace(/\/relay\/?$/, '').replace(/\/$/, '')}/relay-engine`;
  url.search = '';
  return url.toString();
}

/**
 * The engine the relay at `relayUrl` announces (sync/server/relay/relay-routes.ts), or
 * undefined when it announces none it knows or cannot be asked (a relay from before the
 * announce, one on another origin without CORS, no network): the client then speaks
 * y-websocket, the default relay's protocol. Never throws.
 */
export async function announcedRelayEngine(relayUrl: string, fetchImpl: FetchLike = (input, init) => fetch(input, init)): Promise<RelayEngineSetting | undefined> {
  try {
    const response = await fetchImpl(relayEngineUrl(relayUrl), { method: 'GET', cache: 'no-store' });
    const text = (await response.text()).trim();
    if (!response.ok) return undefined;
    return RELAY_ENGINES.find((engine) => engine === text);
  } catch {
    return undefined;
  }
}
