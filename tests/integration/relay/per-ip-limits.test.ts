import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RelayServer } from '../../../sync/server/relay-server.ts';
import { startRelay } from './room-socket.ts';
import { closed, tempDataDir, upgradeStatus } from './relay-harness.ts';

/**
 * One address must not take every connection the relay and the signaling server have
 * (1000 each): past a few per address it is refused (429) while other addresses still get
 * in. 127.0.0.2 is another address on the loopback interface, i.e. another client.
 */
let data: ReturnType<typeof tempDataDir>;
let relay: RelayServer;

beforeAll(async () => {
  data = tempDataDir();
  relay = await startRelay({
    dataDir: data.dir,
    port: 0,
    limits: { maxConnectionsPerIp: 2 },
    signalingLimits: { maxConnectionsPerIp: 2 },
  });
});

afterAll(async () => {
  await relay.close();
  data.remove();
});

describe('connections per address', () => {
  it('refuses a third relay and a third signaling connection from one address (429), accepts another address, and again once one leaves', async () => {
    for (const url of [relay.relayUrl, relay.signalingUrl]) {
      const first = await upgradeStatus(url);
      const second = await upgradeStatus(url);
      expect({ url, statuses: [first.status, second.status] }).toEqual({ url, statuses: [0, 0] });
      expect({ url, third: (await upgradeStatus(url)).status }).toEqual({ url, third: 429 });
      const other = await upgradeStatus(url, { localAddress: '127.0.0.2' });
      expect({ url, other: other.status }).toEqual({ url, other: 0 });

      first.ws.close();
      await closed(first.ws);
      // The server counts a socket until its own side has closed, a moment after ours: retry.
      let again = await upgradeStatus(url);
      for (let tries = 0; again.status === 429 && tries < 50; tries++) again = await upgradeStatus(url);
      expect({ url, again: again.status }).toEqual({ url, again: 0 });
      for (const ws of [second.ws, other.ws, again.ws]) ws.close();
      await Promise.all([second.ws, other.ws, again.ws].map((ws) => closed(ws)));
    }
  });
});
