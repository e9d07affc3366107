import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  concatBytes,
  deriveSubkey,
  encodeEnvelopeContext,
  generateSigningKeyPair,
  lengthPrefixed,
  newKeyId,
  openAead,
  randomNotebookKey,
  sealAead,
  sealEnvelope,
  sodiumReady,
  utf8,
} from '../../../crypto/index.ts';
import { boxMaps } from '../../../sync/sealed/box-layout.ts';
import { createKeyring, type Keyring } from '../../../sync/sealed/keyring.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';
import { createNote, readNotes, setNoteText } from '../../../sync/notebook/notes.ts';
import { seededRandom, shuffle, testSeed } from '../../helpers/seeded-random.ts';

let keyring: Keyring;
beforeAll(async () => {
  await sodiumReady();
  const keyId = newKeyId();
  keyring = createKeyring(new Map([[keyId, randomNotebookKey()]]), keyId);
});

function device(box = new Y.Doc(), options: { compactEntries?: number } = {}) {
  const plain = new Y.Doc();
  const sealed = new SealedDoc({ docId: 'nb-1', plain, box, keyring, writer: newWriter(generateSigningKeyPair()), ...options });
  return { plain, box, sealed };
}

/** Every box update a device produces, so a test can deliver them in any order. */
function recordBoxUpdates(box: Y.Doc): Uint8Array[] {
  const updates: Uint8Array[] = [];
  box.on('update', (update: Uint8Array) => updates.push(update));
  return updates;
}

const state = (doc: Y.Doc) => JSON.stringify(readNotes(doc));

describe('sealed doc', () => {
  it('two writers exchanging box updates in random order, with duplicates, converge', () => {
    const seed = testSeed();
    console.log(`sealed-doc convergence seed=${seed} (replay with OBSCURA_SEED=${seed})`);
    const random = seededRandom(seed);
    const a = device();
    const b = device();
    const fromA = recordBoxUpdates(a.box);
    const fromB = recordBoxUpdates(b.box);
    for (let i = 0; i < 40; i++) {
      const writer = random() < 0.5 ? a : b;
      const notes = readNotes(writer.plain);
      if (notes.length === 0 || random() < 0.3) createNote(writer.plain, { title: `t${i}`, body: `body ${i}` });
      else setNoteText(writer.plain, notes[Math.floor(random() * notes.length)]!.id, 'body', `edit ${i} ${random()}`);
      if (random() < 0.4) writer.sealed.flush();
    }
    a.sealed.flush();
    b.sealed.flush();
    const deliveries = [...fromA, ...fromB, ...fromA.filter(() => random() < 0.5)];
    const c = device();
    for (const update of shuffle(deliveries, random)) {
      Y.applyUpdate(a.box, update);
      Y.applyUpdate(b.box, update);
      Y.applyUpdate(c.box, update);
    }
    expect(state(a.plain)).toBe(state(b.plain));
    expect(state(c.plain)).toBe(state(a.plain));
    expect(readNotes(a.plain).length).toBeGreaterThan(0);
    expect(a.sealed.quarantine.size + b.sealed.quarantine.size + c.sealed.quarantine.size).toBe(0);
  });

  it('coalesces many small local edits into one sealed entry and does not echo remote ones', () => {
    const a = device();
    const id = createNote(a.plain, { title: 'x' });
    for (let i = 1; i <= 50; i++) setNoteText(a.plain, id, 'body', 'typing'.repeat(i));
    a.sealed.flush();
    expect(boxMaps(a.box).entries.size).toBe(1);
    const b = device();
    Y.applyUpdate(b.box, Y.encodeStateAsUpdate(a.box));
    b.sealed.flush();
    expect(b.sealed.pendingCount).toBe(0);
    expect(boxMaps(b.box).entries.size).toBe(1);
    expect(state(b.plain)).toBe(state(a.plain));
  });

  it('compaction deletes exactly the covered entries, and a reopen gives the same state', () => {
    const a = device(new Y.Doc(), { compactEntries: 10 });
    for (let i = 0; i < 25; i++) {
      createNote(a.plain, { title: `note ${i}`, body: 'b' });
      a.sealed.flush();
    }
    const { entries, snapshots } = boxMaps(a.box);
    expect(snapshots.size).toBeGreaterThanOrEqual(1);
    expect(entries.size).toBeLessThan(10);
    const reopened = device(new Y.Doc());
    Y.applyUpdate(reopened.box, Y.encodeStateAsUpdate(a.box));
    expect(state(reopened.plain)).toBe(state(a.plain));
    expect(readNotes(reopened.plain)).toHaveLength(25);
  });

  it('loading a snapshot plus later entries gives exactly the same plain state', () => {
    const a = device();
    for (let i = 0; i < 5; i++) createNote(a.plain, { title: `before ${i}` });
    a.sealed.compact();
    for (let i = 0; i < 5; i++) {
      createNote(a.plain, { title: `after ${i}` });
      a.sealed.flush();
    }
    expect(boxMaps(a.box).snapshots.size).toBe(1);
    expect(boxMaps(a.box).entries.size).toBe(5);
    const b = device(new Y.Doc());
    Y.applyUpdate(b.box, Y.encodeStateAsUpdate(a.box));
    expect(Y.encodeStateAsUpdate(b.plain)).toEqual(Y.encodeStateAsUpdate(a.plain));
  });

  it('a flipped byte in one stored entry quarantines that entry only', () => {
    // Three writers, one note each. (Within one writer, Yjs holds back later updates
    // until the missing one arrives, so independence is per writer session.)
    const stored = new Y.Doc();
    for (let i = 0; i < 3; i++) {
      const writer = device(stored);
      createNote(writer.plain, { title: `n${i}` });
      writer.sealed.flush();
      writer.sealed.destroy();
    }
    const { entries } = boxMaps(stored);
    expect(entries.size).toBe(3);
    const victim = [...entries.keys()][1]!;
    const bytes = entries.get(victim)!.slice();
    bytes[bytes.length - 100]! ^= 0x01;
    entries.set(victim, bytes);
    const b = device(stored);
    expect(b.sealed.quarantine.size).toBe(1);
    expect([...b.sealed.quarantine.values()][0]).toMatchObject({ key: victim, kind: 'update' });
    expect(readNotes(b.plain)).toHaveLength(2);
    // A later compaction must keep the entry it could not read.
    b.sealed.compact();
    expect(entries.has(victim)).toBe(true);
    expect(entries.size).toBe(1);
  });

  it('quarantines garbage values and malformed keys instead of throwing', () => {
    const b = device();
    const { entries } = boxMaps(b.box);
    const remote = new Y.Doc();
    const remoteEntries = boxMaps(remote).entries;
    remoteEntries.set('not a key', new Uint8Array([1, 2, 3]));
    remoteEntries.set('abc.def/1', new Uint8Array(300));
    (remote.getMap('entries') as Y.Map<unknown>).set('abc.def/2', 'a string');
    Y.applyUpdate(b.box, Y.encodeStateAsUpdate(remote));
    const codes = [...b.sealed.quarantine.values()].map((q) => q.code).sort();
    expect(codes).toEqual(['E_ENTRY_KEY', 'E_ENTRY_VALUE', expect.stringMatching(/^E_/)].sort());
    expect(entries.size).toBe(3);
  });

  it('rejects an entry moved to another writer slot (E_DECRYPT), and one sealed for a slot its signer does not own (E_SIGNER)', () => {
    const a = device();
    createNote(a.plain, { title: 'mine' });
    a.sealed.flush();
    const [key, value] = [...boxMaps(a.box).entries.entries()][0]!;
    const forged = new Y.Doc();
    // Same envelope, claimed under another device's writer id: the place is bound in the AEAD.
    const moved = key.replace(/^[^.]+/, 'f'.repeat(32));
    boxMaps(forged).entries.set(moved, value);
    // A key holder sealing in another device's slot.
    const { keyId, key: k } = keyring.current();
    const other = `${'e'.repeat(32)}.session/1`;
    boxMaps(forged).entries.set(other, sealEnvelope({ key: k, keyId, plaintext: new Uint8Array([0, 0]), signer: generateSigningKeyPair(), context: { notebookId: 'nb-1', writerId: `${'e'.repeat(32)}.session`, seq: 1, purpose: 'update' } }));
    const b = device(forged);
    expect(new Map([...b.sealed.quarantine.values()].map((q) => [q.key, q.code]))).toEqual(new Map([[moved, 'E_DECRYPT'], [other, 'E_SIGNER']]));
  });
});

describe('sealed doc error codes', () => {
  function forgeEntry(box: Y.Doc, purpose: 'update' | 'snapshot', plaintext: Uint8Array): string {
    const writer = newWriter(generateSigningKeyPair());
    const { keyId, key } = keyring.current();
    const envelope = sealEnvelope({ key, keyId, plaintext, signer: writer.signer, context: { notebookId: 'nb-1', writerId: writer.writerId, seq: 1, purpose } });
    const map = purpose === 'update' ? boxMaps(box).entries : boxMaps(box).snapshots;
    map.set(`${writer.writerId}/1`, envelope);
    return `${writer.writerId}/1`;
  }

  it('E_PADDING: an entry a key holder sealed with padding that is not zero is quarantined, the rest applies', () => {
    const box = new Y.Doc();
    const good = device(box);
    createNote(good.plain, { title: 'fine' });
    good.sealed.flush();
    const writer = newWriter(generateSigningKeyPair());
    const { keyId, key } = keyring.current();
    const context = { notebookId: 'nb-1', writerId: writer.writerId, seq: 1, purpose: 'update' } as const;
    // 60 bytes of update: a 224-byte envelope with 6 bytes of padding; the last one made 1.
    const envelope = sealEnvelope({ key, keyId, plaintext: new Uint8Array(60), signer: writer.signer, context });
    const aeadKey = deriveSubkey(key, 'obscura/envelope/v3/aead-key');
    const header = envelope.subarray(0, 18);
    const ad = concatBytes(lengthPrefixed(utf8('obscura/envelope/v3/aead')), header, encodeEnvelopeContext(context));
    const inner = openAead(aeadKey, envelope.subarray(18), ad);
    if (!inner.ok) throw new Error(inner.error.code);
    inner.value[inner.value.length - 1] = 1;
    boxMaps(box).entries.set(`${writer.writerId}/1`, concatBytes(header, sealAead(aeadKey, inner.value, ad)));
    const b = device(box);
    expect([...b.sealed.quarantine.values()]).toMatchObject([{ key: `${writer.writerId}/1`, code: 'E_PADDING' }]);
    expect(readNotes(b.plain).map((n) => n.title)).toEqual(['fine']);
  });

  it('E_PAYLOAD: a correctly sealed snapshot whose payload is not a snapshot is quarantined', () => {
    const box = new Y.Doc();
    const key = forgeEntry(box, 'snapshot', new Uint8Array([9, 9, 9]));
    const b = device(box);
    expect([...b.sealed.quarantine.values()]).toMatchObject([{ key, kind: 'snapshot', code: 'E_PAYLOAD' }]);
  });

  it('E_UPDATE: a correctly sealed update that is not a Yjs update is quarantined, the rest applies', () => {
    const box = new Y.Doc();
    const good = device(box);
    createNote(good.plain, { title: 'fine' });
    good.sealed.flush();
    const key = forgeEntry(box, 'update', new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]));
    const b = device(box);
    expect([...b.sealed.quarantine.values()]).toMatchObject([{ key, code: 'E_UPDATE' }]);
    expect(readNotes(b.plain).map((n) => n.title)).toEqual(['fine']);
  });

  it('E_KEY_UNKNOWN: an entry sealed under a key this keyring does not hold is quarantined', () => {
    const otherId = newKeyId();
    const other = createKeyring(new Map([[otherId, randomNotebookKey()]]), otherId);
    const box = new Y.Doc();
    const plain = new Y.Doc();
    const writer = new SealedDoc({ docId: 'nb-1', plain, box, keyring: other, writer: newWriter(generateSigningKeyPair()) });
    createNote(plain, { title: 'under another key' });
    writer.destroy();
    const a = device(box);
    expect([...a.sealed.quarantine.values()].map((q) => q.code)).toEqual(['E_KEY_UNKNOWN']);
    expect(readNotes(a.plain)).toEqual([]);
  });
});
