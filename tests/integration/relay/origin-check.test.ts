import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentHash, randomBytes } from '../../../crypto/index.ts';
import { startAppServer } from '../../../sync/server/app-server.ts';
import { attachSync } from '../../../sync/server/attach-sync.ts';
import { relayForSuite } from './relay-for-suite.ts';
import { tempDataDir, upgradeStatus } from './relay-harness.ts';

/**
 * A page on another origin must not write to the relay through the visitor's browser:
 * WebSockets are not subject to CORS, so only the server's Origin check stops them.
 * Node clients send no Origin and are not browsers; the relay's own origin is allowed.
 */
// Tests one relay mechanism below the write capability, which write-capability.test.ts tests: every client here may write.
const relay = relayForSuite({ requireWriteCapability: false });
const EVIL = 'http://evil.example:8080';
const ROOM = 'origin-room-0123456789';

function ownOrigins(): string[] {
  const own = new URL(relay.url);
  return [own.origin, `http://localhost:${own.port}`];
}

const putBlob = (room: string, bytes: Uint8Array, origin?: string) =>
  fetch(`${relay.blobsUrl}/${room}/${contentHash(bytes)}`, { method: 'PUT', body: new Uint8Array(bytes), headers: origin ? { Origin: origin } : {} });

describe('relay: Origin allow-list', () => {
  it('refuses relay and signaling upgrades and blob PUTs from a foreign Origin with 403, storing nothing', async () => {
    for (const origin of [EVIL, 'null', 'http://127.0.0.1:1']) {
      expect({ origin, relay: (await upgradeStatus(relay.relayUrl, { origin })).status }).toEqual({ origin, relay: 403 });
      expect({ origin, signaling: (await upgradeStatus(relay.signalingUrl, { origin })).status }).toEqual({ origin, signaling: 403 });
      const blob = randomBytes(1000);
      expect({ origin, put: (await putBlob(ROOM, blob, origin)).status }).toEqual({ origin, put: 403 });
      expect((await fetch(`${relay.blobsUrl}/${ROOM}/${contentHash(blob)}`)).status).toBe(404);
    }
    expect(relay.relay.loadedRooms).toBe(0);
    expect(readdirSync(join(relay.dataDir, 'blobs'))).toEqual([]);
  });

  it("accepts the relay's own origin (127.0.0.1 and localhost forms) and requests without Origin (Node clients)", async () => {
    for (const origin of [...ownOrigins(), undefined]) {
      const opened = await upgradeStatus(relay.relayUrl, origin ? { origin } : {});
      expect({ origin, relay: opened.status }).toEqual({ origin, relay: 0 });
      opened.ws.close();
      const signaling = await upgradeStatus(relay.signalingUrl, origin ? { origin } : {});
      expect({ origin, signaling: signaling.status }).toEqual({ origin, signaling: 0 });
      signaling.ws.close();
      expect({ origin, put: (await putBlob(ROOM, randomBytes(1000), origin)).status }).toEqual({ origin, put: 201 });
    }
  });

  it("npm start's server on an IPv6 loopback host: its URL parses and pages of its own origin get in", async () => {
    const data = tempDataDir();
    const app = await startAppServer({ distDir: data.dir, host: '::1', port: 0 });
    const sync = await attachSync({ server: app.server, baseUrl: app.url, addRoute: app.addRoute, dataDir: data.dir });
    try {
      expect(app.url).toMatch(/^http:\/\/\[::1\]:\d+\/$/);
      const own = await upgradeStatus(sync.relayUrl, { origin: new URL(app.url).origin });
      expect([own.status, (await upgradeStatus(sync.signalingUrl, { origin: EVIL })).status]).toEqual([0, 403]);
      own.ws.close();
    } finally {
      await sync.close();
      await app.close();
      data.remove();
    }
  });
});
