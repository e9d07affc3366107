import type { ChildProcessWithoutNullStreams } from 'node:child_process';

/** Lines a child device prints, as parsed JSON, in order (lines not starting with `{` are skipped). */
export function jsonLines(child: ChildProcessWithoutNullStreams): { next(): Promise<Record<string, unknown>>; stderr(): string } {
  const queue: Record<string, unknown>[] = [];
  const waiting: ((line: Record<string, unknown>) => void)[] = [];
  let buffer = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let at: number;
    while ((at = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, at).trim();
      buffer = buffer.slice(at + 1);
      if (!line.startsWith('{')) continue;
      const parsed = JSON.parse(line) as Record<string, unknown>;
      const waiter = waiting.shift();
      if (waiter) waiter(parsed);
      else queue.push(parsed);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return {
    next: () => new Promise((resolve) => (queue.length > 0 ? resolve(queue.shift() as Record<string, unknown>) : waiting.push(resolve))),
    stderr: () => err,
  };
}
