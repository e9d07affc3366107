import { spawn } from 'node:child_process';
import { jsonLines } from '../../helpers/json-lines.ts';
import type { ContractRoom, PeerDevice } from './box-transport-contract.ts';

/** A contract device in its own process (webrtc-peer-device.ts), and the one thing only it does. */
export interface PeerProcess extends PeerDevice {
  /** Sends its peers a message no peer speaks; resolves with how many peers it went to. */
  garbage(): Promise<number>;
}

/**
 * Starts webrtc-peer-device.ts for `room` over the signaling server at `signalingUrl` and
 * resolves once its transport is connecting. Every call is one request line; a reply with
 * `error`, or the process ending, rejects it.
 */
export async function startPeerProcess(signalingUrl: string, room: ContractRoom): Promise<PeerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./webrtc-peer-device.ts', import.meta.url).pathname], {
    env: { ...process.env, OBSCURA_SIGNAL: signalingUrl, OBSCURA_ROOM: room.roomId, OBSCURA_PASSWORD: room.password },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines = jsonLines(child);
  const pending = new Map<number, { resolve(reply: Record<string, unknown>): void; reject(error: Error): void }>();
  let ended = false;
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      ended = true;
      for (const waiter of pending.values()) waiter.reject(new Error(`the peer process ended (${code}): ${lines.stderr().slice(-2000)}`));
      pending.clear();
      resolve();
    }),
  );
  const reply = (id: number) => new Promise<Record<string, unknown>>((resolve, reject) => pending.set(id, { resolve, reject }));
  void (async () => {
    while (!ended) {
      const line = await lines.next();
      const waiter = pending.get(line.id as number);
      pending.delete(line.id as number);
      if (typeof line.error === 'string') waiter?.reject(new Error(line.error));
      else waiter?.resolve(line);
    }
  })();
  let nextId = 0;
  const request = (op: string, args: Record<string, unknown> = {}) => {
    if (ended) return Promise.reject(new Error('the peer process has ended'));
    const id = ++nextId;
    const answered = reply(id);
    child.stdin.write(`${JSON.stringify({ id, op, ...args })}\n`);
    return answered;
  };
  // A process that never gets ready is ended, not left behind when the test gives up on it.
  const startDeadline = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    await reply(0);
  } finally {
    clearTimeout(startDeadline);
  }
  return {
    write: async () => String((await request('write')).key),
    arrives: async (key, ms, what) => void (await request('arrives', { key, ms, what: `${what} (in the peer process)` })),
    has: async (key) => (await request('has', { key })).has === true,
    ready: async () => undefined,
    state: async () => new Uint8Array(Buffer.from(String((await request('state')).state), 'base64')),
    leave: async () => void (await request('leave')),
    rejoin: async () => void (await request('rejoin')),
    garbage: async () => Number((await request('garbage')).sent),
    async destroy() {
      if (ended) return;
      await request('close').catch(() => undefined);
      const timeout = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
