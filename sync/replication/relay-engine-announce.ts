type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** `ws://host/relay` -> `http://host/relay-engine`, where the relay says which engine it runs. */
export function relayEngineUrl(relayUrl: string): string {
  const url = new URL(relayUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = `${url.pathname.replace(/\/relay\/?$/, '').replace(/\/$/, '')}/relay-engine`;
  url.search = '';
  return url.toString();
}

/** An engine's name as a relay announces it; anything else (a web page, an error text) announces nothing. */
const ENGINE_NAME = /^[a-z0-9][a-z0-9.-]{0,31}$/;

/**
 * The engine the relay at `relayUrl` announces (sync/server/relay/relay-routes.ts): `hocuspocus`,
 * or another name that replication refuses (E_REPLICATION_RELAY_ENGINE; the y-websocket relay
 * of earlier versions says `y-websocket`). Undefined when it announces nothing readable or
 * cannot be asked (a relay on another origin without CORS, no network): the client then
 * speaks Hocuspocus, its only protocol. Never throws.
 */
export async function announcedRelayEngine(relayUrl: string, fetchImpl: FetchLike = (input, init) => fetch(input, init)): Promise<string | undefined> {
  try {
    const response = await fetchImpl(relayEngineUrl(relayUrl), { method: 'GET', cache: 'no-store' });
    const text = (await response.text()).trim();
    if (!response.ok) return undefined;
    return ENGINE_NAME.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}
