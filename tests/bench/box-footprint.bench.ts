/**
 * `npm run bench -- box-footprint [notes]`: what a real box costs the relay, to set its
 * doc quotas (sync/server/RELAY.md "Limits"). Builds a sealed notebook of N notes (default
 * 10,000; the sync bench's note shapes: title and a body typed in four bursts, one sealed
 * entry per note, compacted every 300 as the app does) and loads its box as a relay room
 * does; then the same for 100,000 one-byte box entries and 100,000 one-character Y.Text
 * inserts (what the box check refuses). Prints encoded bytes, structs, the memory a loaded
 * doc takes (V8 heap plus array buffers, after GC) and the relay's estimate (room-memory.ts).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as Y from 'yjs';
import { roomMemory, structCount } from '../../sync/server/relay/room-memory.ts';
import { buildNotebooks } from './sync/catch-up.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function used(): number {
  gc();
  gc();
  const memory = process.memoryUsage();
  return memory.heapUsed + memory.arrayBuffers;
}

function row(name: string, state: Uint8Array): Record<string, string | number> {
  const before = used();
  const doc = new Y.Doc({ gc: true });
  Y.applyUpdate(doc, state);
  const loaded = used() - before;
  const structs = structCount(doc);
  const estimate = roomMemory(state.byteLength, structs);
  doc.destroy();
  return {
    what: name,
    'encoded MB': +(state.byteLength / 1e6).toFixed(2),
    structs,
    'loaded MiB': +(loaded / 2 ** 20).toFixed(1),
    'loaded / encoded': +(loaded / state.byteLength).toFixed(1),
    'heap B per struct': Math.round((loaded - state.byteLength) / structs),
    'relay estimate MiB': +(estimate / 2 ** 20).toFixed(1),
  };
}

export async function run(args: string[]): Promise<void> {
  const notes = Number(args[0] ?? 10_000);
  const started = performance.now();
  const built = await buildNotebooks(notes);
  console.log(`built ${notes} notes in ${((performance.now() - started) / 1000).toFixed(0)} s: ${built.box.getMap('snapshots').size} snapshot(s) + ${built.box.getMap('entries').size} entries`);
  const tiny = new Y.Doc();
  tiny.transact(() => {
    for (let i = 1; i <= 100_000; i++) tiny.getMap('entries').set(`AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBB/${i}`, Uint8Array.of(1));
  });
  const text = new Y.Doc();
  text.transact(() => {
    for (let i = 0; i < 100_000; i++) text.getText('t').insert(0, 'x');
  });
  console.table([
    row(`box of ${notes} notes`, Y.encodeStateAsUpdate(built.box)),
    row('100,000 one-byte entries', Y.encodeStateAsUpdate(tiny)),
    row('100,000 Y.Text inserts', Y.encodeStateAsUpdate(text)),
  ]);
}
