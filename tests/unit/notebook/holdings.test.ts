import * as Y from 'yjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { copyCounts, holdingsMap, isHoldingsRecord, photoOriginals, readHoldings, writeHoldings } from '../../../sync/notebook/holdings.ts';
import { createNote, deleteNote } from '../../../sync/notebook/notes.ts';
import { setNotePhoto } from '../../../sync/notebook/photos.ts';

const A = 'slot-a-0123456789abcdefghijklmno';
const B = 'slot-b-0123456789abcdefghijklmno';
const blob = (n: number) => n.toString(16).padStart(2, '0').repeat(32);

function notebook(photos: number): { doc: Y.Doc; notes: string[] } {
  const doc = new Y.Doc();
  const notes: string[] = [];
  for (let i = 1; i <= photos; i++) {
    const id = createNote(doc, { title: `n${i}` });
    setNotePhoto(doc, id, { blobId: blob(i), thumbBlobId: blob(100 + i), photoKey: 'k'.repeat(43), width: 1, height: 1, mime: 'image/jpeg', addedAt: i });
    notes.push(id);
  }
  return { doc, notes };
}

beforeAll(() => sodiumReady());

describe('holdings records', () => {
  it('count photos on one device only, for this device and any, as records arrive and notes go', () => {
    const { doc, notes } = notebook(3);
    expect(copyCounts(doc, A)).toEqual({ photos: 3, onlyHere: 0, onlyOne: 0 });
    writeHoldings(doc, A, [blob(1), blob(2), blob(3)]);
    expect(copyCounts(doc, A)).toEqual({ photos: 3, onlyHere: 3, onlyOne: 3 });
    writeHoldings(doc, B, [blob(1)]);
    expect(copyCounts(doc, A)).toEqual({ photos: 3, onlyHere: 2, onlyOne: 2 });
    expect(copyCounts(doc, B)).toEqual({ photos: 3, onlyHere: 0, onlyOne: 2 });
    deleteNote(doc, notes[1]!);
    expect(copyCounts(doc, A)).toEqual({ photos: 2, onlyHere: 1, onlyOne: 1 });
  });

  it('a record is written only when the set changed, and only 16 hex of each blob id', () => {
    const { doc } = notebook(2);
    let updates = 0;
    doc.on('update', () => updates++);
    expect(writeHoldings(doc, A, [blob(2), blob(1)], 1)).toBe(true);
    expect(writeHoldings(doc, A, [blob(1), blob(2), blob(1)], 2)).toBe(false);
    expect(updates).toBe(1);
    expect(holdingsMap(doc).get(A)).toEqual({ v: 1, held: [blob(1).slice(0, 16), blob(2).slice(0, 16)], at: 1 });
    expect(photoOriginals(doc)).toEqual([blob(1), blob(2)]);
  });

  it('a peer\'s malformed records count as no record; a bad slot is refused when writing', () => {
    const { doc } = notebook(1);
    writeHoldings(doc, A, [blob(1)]);
    const bad: unknown[] = [null, 'x', [], { v: 2, held: [], at: 0 }, { v: 1, held: ['XYZ'], at: 0 }, { v: 1, held: [blob(1)], at: 0 }, { v: 1, held: 'ab', at: 0 }, { v: 1, held: [], at: Number.NaN }];
    bad.forEach((value, i) => holdingsMap(doc).set(`bad-slot-${i}-0123456789abcdef`, value));
    holdingsMap(doc).set('no', { v: 1, held: [blob(1).slice(0, 16)], at: 0 });
    expect(bad.some(isHoldingsRecord)).toBe(false);
    expect([...readHoldings(doc).keys()]).toEqual([A]);
    expect(copyCounts(doc, A)).toEqual({ photos: 1, onlyHere: 1, onlyOne: 1 });
    expect(() => writeHoldings(doc, 'a b', [])).toThrow(TypeError);
  });
});
