import { MemoryStorageAdapter } from '../../../sync/storage/memory-storage-adapter.ts';
import { runStorageAdapterTests } from './storage-adapter-suite.ts';

runStorageAdapterTests('memory', async () => new MemoryStorageAdapter());
