/**
 * `npm run bench -- note-order [notes]`: what ordering a notebook costs (the grid re-sorts on
 * every change, sync/notebook/note-order.ts). N notes (default 10,000) written oldest first,
 * 3 h apart, in one transaction as the e2e hook does; then the same notebook after 200
 * notes alternately from a device two days ahead and an honest one (the walk runs). The
 * baseline is the sort it replaced: by `updatedAt` alone.
 */
import * as Y from 'yjs';
import { sodiumReady } from '../../crypto/index.ts';
import { newestFirstIds } from '../../sync/notebook/note-order.ts';
import { createNote, notesMap } from '../../sync/notebook/notes.ts';

const DAY = 86_400_000;

function byUpdatedAt(doc: Y.Doc): string[] {
  const order: { id: string; at: number }[] = [];
  notesMap(doc).forEach((note, id) => {
    const at = note.get('updatedAt');
    order.push({ id, at: typeof at === 'number' ? at : 0 });
  });
  return order.sort((a, b) => b.at - a.at || a.id.localeCompare(b.id)).map((o) => o.id);
}

function median(run: () => unknown, times = 31): number {
  const took: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    run();
    took.push(performance.now() - started);
  }
  return took.sort((a, b) => a - b)[times >> 1] ?? 0;
}

export async function run(args: string[]): Promise<void> {
  await sodiumReady();
  const count = Number(args[0] ?? 10_000);
  const doc = new Y.Doc();
  const now = Date.now();
  const started = performance.now();
  doc.transact(() => {
    for (let i = count - 1; i >= 0; i--) createNote(doc, { title: `n ${i}` }, now - i * 3 * 3_600_000);
  });
  const writeMs = performance.now() - started;
  const rows: Record<string, string | number>[] = [];
  const measure = (what: string) => {
    const baseline = median(() => byUpdatedAt(doc));
    const ordered = median(() => newestFirstIds(notesMap(doc)));
    rows.push({ what, notes: notesMap(doc).size, 'by updatedAt ms': +baseline.toFixed(2), 'newestFirstIds ms': +ordered.toFixed(2), ratio: +(ordered / baseline).toFixed(1) });
  };
  measure('honest clocks');
  const ahead = new Y.Doc();
  Y.applyUpdate(ahead, Y.encodeStateAsUpdate(doc));
  for (let i = 0; i < 200; i++) {
    if (i % 2 === 0) createNote(ahead, { title: `ahead ${i}` }, now + 2 * DAY + i * 60_000);
    else createNote(doc, { title: `honest ${i}` }, now + i * 60_000);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(ahead, Y.encodeStateVector(doc)));
    Y.applyUpdate(ahead, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(ahead)));
  }
  measure('after 100 notes from a clock 2 days ahead');
  console.log(`${count} notes written in one transaction: ${writeMs.toFixed(0)} ms`);
  console.table(rows);
}
