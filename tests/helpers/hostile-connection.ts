import { WebSocket } from '../../sync/server/ws-node.ts';

/**
 * Opens a relay socket at `url`, sends `frames` and reports how the relay took them: `closed
 * <code>`, `kept open` (the relay had 60 ms to answer; a socket it keeps is one it accepted),
 * `error`, or `hang` when nothing happened within 5 s. The fuzz tests of both engines use it.
 */
export async function hostileConnection(url: string, frames: readonly (Uint8Array | string)[]): Promise<string> {
  const ws = new WebSocket(url);
  const outcome = new Promise<string>((resolve) => {
    ws.once('close', (code) => resolve(`closed ${code}`));
    ws.once('error', () => resolve('error'));
    ws.once('open', () => {
      for (const f of frames) ws.send(f);
      setTimeout(() => resolve('kept open'), 60);
    });
  });
  const hang = new Promise<string>((resolve) => setTimeout(() => resolve('hang'), 5000));
  const result = await Promise.race([outcome, hang]);
  ws.terminate();
  return result;
}
