/** The Chromium side of `npm run bench -- sealed`: the same workload on real IndexedDB. */
import { runSealedWorkload } from './workload.ts';

interface MemoryInfo {
  readonly usedJSHeapSize: number;
}

const heap = () => (performance as Performance & { memory?: MemoryInfo }).memory?.usedJSHeapSize ?? 0;
(globalThis as { runSealedBench?: (count: number) => ReturnType<typeof runSealedWorkload> }).runSealedBench = (count) =>
  runSealedWorkload(count, heap);
