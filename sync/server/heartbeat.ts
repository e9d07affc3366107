import type { WebSocket, WebSocketServer } from './ws-node.ts';

/**
 * Pings every client of `wss` each interval and drops those that did not answer the
 * previous ping. Note: a phone that loses its network leaves a half-open TCP socket that
 * never closes by itself; without this, its room (and its memory) would never unload.
 */
export function keepAlive(wss: WebSocketServer, intervalMs = 30_000): () => void {
  const alive = new WeakSet<WebSocket>();
  wss.on('connection', (ws) => {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
  });
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
