import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RelayBlobStore } from '../../../sync/server/relay/relay-blob-store.ts';
import { blobStoreContract } from './blob-store-contract';

blobStoreContract('disk (one relay process)', async (limits) => {
  const dir = mkdtempSync(join(tmpdir(), 'obscura-disk-blobs-'));
  const store = new RelayBlobStore({ dir, ...limits, budget: { fits: () => true, reserveBlob: () => true, releaseBlob: () => undefined } });
  await store.scanAll();
  return { store, close: async () => rmSync(dir, { recursive: true, force: true }) };
});
