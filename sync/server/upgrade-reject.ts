import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { ISOLATION_HEADERS } from './isolation-headers.ts';

/**
 * Refuses a WebSocket upgrade with a plain HTTP status. The socket never became a
 * WebSocket, so an HTTP response is the only way to tell the client why.
 */
export function rejectUpgrade(socket: Duplex, status: number): void {
  const headers = Object.entries(ISOLATION_HEADERS)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${headers}Connection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** The path of an upgrade request without its query string; undefined when malformed. */
export function upgradePath(url: string | undefined): string | undefined {
  if (url === undefined || !url.startsWith('/')) return undefined;
  const end = url.search(/[?#]/);
  return end < 0 ? url : url.slice(0, end);
}
