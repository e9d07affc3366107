import type { IncomingMessage } from 'node:http';

/**
 * Which web pages may use the relay and signaling servers through a visitor's browser.
 * Note: WebSockets are not subject to CORS, and a PUT with a simple body needs no preflight
 * everywhere, so any page the person opens could write to a relay on their machine; the
 * browser's `Origin` header is what tells the server which page is asking. A request
 * without one is not from a page (Node clients, the CLI) and passes this check; whether it
 * may write is the write capability's business (relay/write-access.ts).
 */
export class OriginAllowList {
  readonly #origins: ReadonlySet<string>;

  constructor(origins: Iterable<string>) {
    this.#origins = new Set([...origins].map(normalizeOrigin));
  }

  get origins(): readonly string[] {
    return [...this.#origins];
  }

  /** False for a browser request from a page whose origin is not listed (including `null`). */
  allows(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    return origin === undefined || this.#origins.has(origin);
  }
}

/** `scheme://host[:port]` as a browser sends it; throws for anything that is not an http(s) URL. */
export function normalizeOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error(`not an origin: "${value}" (expected e.g. http://127.0.0.1:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`not an http(s) origin: "${value}"`);
  return url.origin;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The origins a page served from `baseUrl` may have: the URL's own, and for a loopback
 * host also its 127.0.0.1, localhost and [::1] spellings (the same server to the person).
 */
export function originsServedFrom(baseUrl: string): string[] {
  const url = new URL(baseUrl);
  if (!LOOPBACK.has(url.hostname)) return [url.origin];
  return [...LOOPBACK].map((host) => new URL(`${url.protocol}//${host}${url.port ? `:${url.port}` : ''}`).origin);
}

/** `RELAY_ALLOWED_ORIGINS`: comma-separated origins (empty entries ignored). */
export function parseOriginList(text: string | undefined): string[] {
  return (text ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '').map(normalizeOrigin);
}
