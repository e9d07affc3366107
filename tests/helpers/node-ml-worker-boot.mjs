// A worker thread cannot load TypeScript by itself: register tsx, then load the entry named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
