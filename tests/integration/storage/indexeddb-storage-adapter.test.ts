import 'fake-indexeddb/auto';
import { IndexedDbStorageAdapter } from '../../../sync/storage/indexeddb-storage-adapter.ts';
import { runStorageAdapterTests } from './storage-adapter-suite.ts';

let n = 0;
runStorageAdapterTests('indexeddb', async () => new IndexedDbStorageAdapter(`storage-suite-${n++}`));
