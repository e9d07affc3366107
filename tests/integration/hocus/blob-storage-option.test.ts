import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash, randomBytes, sodiumReady } from '../../../crypto/index.ts';
import { RelayBlobStore } from '../../../sync/server/relay/relay-blob-store.ts';
import { startRelayServer } from '../../../sync/server/relay-server.ts';
import { tempDataDir } from '../relay/relay-harness.ts';

/**
 * Scale-out hands the relay a shared blob store (S3 in production, relay-main.ts): whichever
 * node serves a room must put and read blobs there, never in its own `blobs/` folder,
 * or each node would hold only what was uploaded to it. Here the shared store is a second
 * disk store, so the test needs no S3 and still sees where the bytes went.
 */
let data: ReturnType<typeof tempDataDir>;
const ROOM = 'shared-blobs-room-0123456789';

beforeAll(async () => {
  await sodiumReady();
  data = tempDataDir();
});
afterAll(() => data.remove());

describe('the relay with a blobStorage', () => {
  it('stores and serves blobs from the store it is given, not its data directory', async () => {
    const dataDir = join(data.dir, 'node');
    const sharedDir = join(data.dir, 'shared');
    mkdirSync(sharedDir, { recursive: true });
    const budget = { fits: () => true, reserveBlob: () => true, releaseBlob: () => {} };
    const shared = new RelayBlobStore({ dir: sharedDir, maxBlobBytes: 1 << 20, maxRoomBlobBytes: 1 << 22, budget });
    const relay = await startRelayServer({ dataDir, port: 0, requireWriteCapability: false, blobStorage: shared });
    try {
      const blob = randomBytes(3000);
      const hash = contentHash(blob);
      expect((await fetch(`${relay.blobsUrl}/${ROOM}/${hash}`, { method: 'PUT', body: new Uint8Array(blob) })).status).toBe(201);
      expect(existsSync(join(sharedDir, ROOM, hash))).toBe(true);
      expect(existsSync(join(dataDir, 'blobs', ROOM, hash))).toBe(false);
      expect(new Uint8Array(await (await fetch(`${relay.blobsUrl}/${ROOM}/${hash}`)).arrayBuffer())).toEqual(blob);
    } finally {
      await relay.close();
    }
  });
});
