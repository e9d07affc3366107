import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { generateSigningKeyPair, newKeyId, randomNotebookKey, sodiumReady } from '../../../crypto/index.ts';
import { createNote, readNotes } from '../../../sync/notebook/notes.ts';
import { guardAppendOnly } from '../../../sync/sealed/append-only.ts';
import { boxMaps } from '../../../sync/sealed/box-layout.ts';
import { createKeyring, createMutableKeyring, type Keyring } from '../../../sync/sealed/keyring.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';

beforeAll(sodiumReady);

const ID = 'nb-append-only';
const titles = (plain: Y.Doc): string[] => readNotes(plain).map((n) => n.title).sort();

function replica(keyring: Keyring, box = new Y.Doc()) {
  const plain = new Y.Doc();
  return { plain, box, sealed: new SealedDoc({ docId: ID, plain, box, keyring, writer: newWriter(generateSigningKeyPair()), coalesceMs: 1 }) };
}

function copyOf(box: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(box));
  return copy;
}

/** A peer that holds a copy of `box` and changes it: what it sends is applied like a provider would. */
function vandal(box: Y.Doc, change: (maps: ReturnType<typeof boxMaps>) => void): void {
  const copy = copyOf(box);
  const before = Y.encodeStateVector(copy);
  copy.transact(() => change(boxMaps(copy)));
  Y.applyUpdate(box, Y.encodeStateAsUpdate(copy, before), 'hostile peer');
}

function written() {
  const keyId = newKeyId();
  const ring = createKeyring(new Map([[keyId, randomNotebookKey()]]), keyId);
  const a = replica(ring);
  for (const title of ['one', 'two', 'three']) {
    createNote(a.plain, { title });
    a.sealed.flush();
  }
  return { ring, a, entries: new Map(boxMaps(a.box).entries.entries()) };
}

describe('append-only box maps (sync/sealed/append-only.ts)', () => {
  it('a peer deleting verified entries gets them put back: the box keeps the exact bytes and a reload reads every note', () => {
    const { ring, a, entries } = written();
    vandal(a.box, (maps) => [...maps.entries.keys()].forEach((key) => maps.entries.delete(key)));
    expect(new Map(boxMaps(a.box).entries.entries())).toEqual(entries);
    expect(a.sealed.restored).toBe(3);
    const reloaded = replica(ring, copyOf(a.box));
    expect(titles(reloaded.plain)).toEqual(['one', 'three', 'two']);
    expect(reloaded.sealed.quarantine.size).toBe(0);
  });

  it('a peer overwriting verified entries and snapshots with other bytes gets the originals back', () => {
    const { a, entries } = written();
    a.sealed.compact();
    createNote(a.plain, { title: 'four' });
    a.sealed.flush();
    const kept = { entries: new Map(boxMaps(a.box).entries.entries()), snapshots: new Map(boxMaps(a.box).snapshots.entries()) };
    expect(entries.size).toBe(3);
    vandal(a.box, (maps) => {
      for (const map of [maps.entries, maps.snapshots]) for (const key of [...map.keys()]) map.set(key, new Uint8Array([1, 2, 3]));
    });
    expect(new Map(boxMaps(a.box).entries.entries())).toEqual(kept.entries);
    expect(new Map(boxMaps(a.box).snapshots.entries())).toEqual(kept.snapshots);
    expect(a.sealed.quarantine.size).toBe(0);
  });

  it('a compaction by a writer is accepted: what its trusted snapshot covers may go, nothing is put back', () => {
    const { ring, a } = written();
    const b = replica(ring);
    Y.applyUpdate(b.box, Y.encodeStateAsUpdate(a.box));
    a.sealed.compact();
    Y.applyUpdate(b.box, Y.encodeStateAsUpdate(a.box, Y.encodeStateVector(b.box)));
    expect(boxMaps(b.box).entries.size).toBe(0);
    expect(b.sealed.restored).toBe(0);
    expect(titles(b.plain)).toEqual(['one', 'three', 'two']);
  });

  it('a rotation\'s compaction that arrives before its key waits, then is accepted once the key comes', () => {
    const { ring, a } = written();
    const old = ring.current();
    const bRing = createMutableKeyring(new Map([[old.keyId, old.key]]), old.keyId);
    const lagging = replica(bRing);
    Y.applyUpdate(lagging.box, Y.encodeStateAsUpdate(a.box));
    const next = { keyId: newKeyId(), key: randomNotebookKey() };
    const aRing = createMutableKeyring(new Map([[old.keyId, old.key]]), old.keyId);
    const owner = replica(aRing);
    Y.applyUpdate(owner.box, Y.encodeStateAsUpdate(a.box));
    aRing.add(next.keyId, next.key, true);
    owner.sealed.rekey();
    Y.applyUpdate(lagging.box, Y.encodeStateAsUpdate(owner.box, Y.encodeStateVector(lagging.box)));
    expect(boxMaps(lagging.box).entries.size).toBe(0);
    expect(lagging.sealed.restored).toBe(0);
    bRing.add(next.keyId, next.key, true);
    lagging.sealed.retryQuarantined(['E_KEY_UNKNOWN']);
    expect(lagging.sealed.restored).toBe(0);
    expect(boxMaps(lagging.box).entries.size).toBe(0);
    expect(titles(lagging.plain)).toEqual(['one', 'three', 'two']);
    expect(lagging.sealed.quarantine.size).toBe(0);
  });

  it('an entry that does not verify is not kept against a delete (a forged value earns nothing)', () => {
    const { a } = written();
    const forged = `${'a'.repeat(32)}.forged/1`;
    vandal(a.box, (maps) => maps.entries.set(forged, new Uint8Array(200)));
    vandal(a.box, (maps) => maps.entries.delete(forged));
    expect(boxMaps(a.box).entries.has(forged)).toBe(false);
    expect(a.sealed.restored).toBe(0);
  });

  it('a delete that waits for its justification is restored when the wait ends without one', async () => {
    const doc = new Y.Doc();
    const map = doc.getMap<Uint8Array>('m');
    map.set('k', new Uint8Array([7]));
    const guard = guardAppendOnly(doc, map, { authentic: () => true, mayDelete: () => false, defer: () => true }, 30);
    const peer = copyOf(doc);
    const before = Y.encodeStateVector(peer);
    peer.getMap<Uint8Array>('m').delete('k');
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(peer, before), 'peer');
    expect(map.has('k')).toBe(false);
    expect(guard.waiting).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(map.get('k')).toEqual(new Uint8Array([7]));
    expect(guard.restored).toBe(1);
    guard.stop();
  });
});

