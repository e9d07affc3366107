/**
 * A pool's ML worker learns its share of the cores from its name (the only thing a Worker is
 * given before its first message, and the tagger picks its backend at the first call).
 */
const PREFIX = 'obscura-ml';

export function mlWorkerName(threads: number | undefined): string {
  return threads === undefined ? PREFIX : `${PREFIX} threads=${threads}`;
}

/** The thread cap a worker was started with, if any. */
export function threadsOfWorkerName(name: string): number | undefined {
  const m = /^obscura-ml threads=(\d{1,3})$/.exec(name);
  const n = m ? Number(m[1]) : 0;
  return n >= 1 ? n : undefined;
}
