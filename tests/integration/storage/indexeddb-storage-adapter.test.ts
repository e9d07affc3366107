import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IndexedDbStorageAdapter } from '../../../sync/storage/indexeddb-storage-adapter.ts';
import { runStorageAdapterTests } from './storage-adapter-suite.ts';

let n = 0;
runStorageAdapterTests('indexeddb', async () => new IndexedDbStorageAdapter(`storage-suite-${n++}`));

describe('IndexedDbStorageAdapter across connections (two tabs on one database)', () => {
  it('saveIf: of two connections that saw the same stored value, only one saves', async () => {
    const name = `storage-suite-tabs-${n++}`;
    const tab1 = new IndexedDbStorageAdapter(name);
    const tab2 = new IndexedDbStorageAdapter(name);
    await tab1.save(['h'], new Uint8Array([0]));
    const holdsZero = (current: Uint8Array | undefined) => current?.[0] === 0;
    const results = await Promise.all([tab1.saveIf(['h'], holdsZero, new Uint8Array([1])), tab2.saveIf(['h'], holdsZero, new Uint8Array([2]))]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await tab2.load(['h'])).toEqual(new Uint8Array([results[0] ? 1 : 2]));
    await tab1.close();
    await tab2.close();
  });
});
