import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';

/**
 * Open connections per client address, so one address cannot take every connection a
 * server has. Note: IPv6 addresses are grouped by their /64, which one subscriber usually
 * holds whole; behind a reverse proxy every client has the proxy's address (raise the cap
 * or enforce it at the proxy).
 */
export class ConnectionsPerAddress {
  readonly #max: number;
  readonly #open = new Map<string, number>();

  constructor(max: number) {
    this.#max = max;
  }

  /**
   * Counts the upgrade's socket against its address until the socket closes; false (and
   * nothing counted) when the address has `max` open already.
   */
  admit(req: IncomingMessage): boolean {
    const address = addressKey(req.socket.remoteAddress ?? '');
    const open = this.#open.get(address) ?? 0;
    if (open >= this.#max) return false;
    this.#open.set(address, open + 1);
    // The socket, not the WebSocket: an upgrade that fails after this point closes it too.
    req.socket.once('close', () => {
      const left = (this.#open.get(address) ?? 1) - 1;
      if (left > 0) this.#open.set(address, left);
      else this.#open.delete(address);
    });
    return true;
  }
}

/** IPv4 (also IPv4-mapped IPv6) as is; IPv6 by its first four groups (the /64). */
export function addressKey(remote: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remote);
  if (mapped) return mapped[1] as string;
  if (!isIPv6(remote)) return remote;
  const [head = '', tail = ''] = remote.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = remote.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
