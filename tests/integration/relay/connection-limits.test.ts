import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RelayServer } from '../../../sync/server/relay-server.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { startRelay } from './room-socket.ts';
import { tempDataDir } from './relay-harness.ts';

let data: ReturnType<typeof tempDataDir>;
let relay: RelayServer;

beforeAll(async () => {
  data = tempDataDir();
  relay = await startRelay({
    dataDir: data.dir,
    port: 0,
    limits: { maxConnections: 1 },
    signalingLimits: { maxMessageBytes: 1024, maxTopicsPerConnection: 4, maxConnections: 1 },
  });
});

afterAll(async () => {
  await relay.close();
  data.remove();
});

/** The HTTP status an upgrade was refused with (0 if it was accepted). */
function refusal(url: string): Promise<{ status: number; ws: WebSocket }> {
  const ws = new WebSocket(url);
  ws.on('error', () => undefined);
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ status: 0, ws }));
    ws.once('unexpected-response', (req, res) => {
      req.destroy();
      resolve({ status: res.statusCode ?? 0, ws });
    });
  });
}

describe('connection limits', () => {
  it('refuses relay and signaling upgrades past maxConnections with 503, and accepts again once one leaves', async () => {
    const room = relay.relayUrl;
    const first = await refusal(room);
    expect(first.status).toBe(0);
    expect((await refusal(room)).status).toBe(503);
    const signal = await refusal(relay.signalingUrl);
    expect(signal.status).toBe(0);
    expect((await refusal(relay.signalingUrl)).status).toBe(503);

    const gone = new Promise((resolve) => first.ws.once('close', resolve));
    first.ws.close();
    await gone;
    // The server counts the socket until its own side has closed, a moment after ours: retry.
    let again = await refusal(room);
    while (again.status === 503) again = await refusal(room);
    expect(again.status).toBe(0);
    again.ws.close();
    signal.ws.close();
  });
});
