/**
 * One signaling connection per room. y-webrtc shares one WebSocket per signaling URL across
 * every room of the page, and subscribes each connection to every room it knows: the
 * signaling server could then see which rooms (notebooks, and the vault) one person holds.
 * So each room gets its own URL (a random `?r=` the server ignores), and each of its
 * connections is confined to that room: whatever y-webrtc sends about another room on it
 * (a subscribe of all rooms on connect, announces, publishes) is dropped here.
 */
export function roomSignalingUrls(urls: readonly string[]): string[] {
  // Not a secret, only distinct: WebCrypto, so this works before libsodium has loaded.
  const tag = Array.from(globalThis.crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
  return urls.map((url) => {
    const parsed = new URL(url);
    parsed.searchParams.set('r', tag);
    return parsed.toString();
  });
}

interface SignalingMessage {
  readonly type?: unknown;
  readonly topic?: unknown;
  readonly topics?: unknown;
}

interface SendingConn {
  send(message: SignalingMessage): void;
}

const CONFINED = Symbol('obscura:confined');

/** Makes every given y-webrtc SignalingConn speak only about `room`. Idempotent. */
export function confineSignaling(conns: readonly unknown[], room: string): void {
  for (const conn of conns) {
    const target = conn as SendingConn & { [CONFINED]?: string };
    if (target[CONFINED] !== undefined) continue;
    const send = target.send.bind(target);
    target[CONFINED] = room;
    target.send = (message) => {
      if (Array.isArray(message.topics)) {
        const topics = message.topics.filter((topic) => topic === room);
        if (topics.length > 0) send({ ...message, topics });
      } else if (message.topic === undefined || message.topic === room) {
        send(message);
      }
    };
  }
}
