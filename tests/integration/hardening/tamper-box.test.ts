import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ENVELOPE_PURPOSES, ENVELOPE_V3_OVERHEAD, generateSigningKeyPair, type EnvelopePurpose, newKeyId, randomNotebookKey, sealEnvelope, sodiumReady } from '../../../crypto/index.ts';
import { createNote, readNotes } from '../../../sync/notebook/notes.ts';
import { boxMaps, parseEntryKey } from '../../../sync/sealed/box-layout.ts';
import { createKeyring, type Keyring } from '../../../sync/sealed/keyring.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter, type Writer } from '../../../sync/sealed/writer.ts';
import { keysMap } from '../../../sync/share/key-envelope.ts';
import { addMember, foundMembers, markMemberRemoved } from '../../../sync/share/members.ts';
import { revocationsMap } from '../../../sync/share/revocations.ts';
import { pickUpNotebookKeys, removeMemberAndRotate } from '../../../sync/share/rotate-key.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';
import { firstKey, keyringWith, memberKeys, newDevice, openReplica, syncBoxes } from '../share/share-harness.ts';
import { everyFlip, everyTruncation, extensions, TamperTally, type ByteCase } from '../../helpers/tamper-cases.ts';

/**
 * Sealed box entries and snapshots, tampered with at the sync level: every byte flipped,
 * every truncation, extensions, and the envelope moved to another key, seq, writer,
 * kind, notebook or key. A receiving replica (the real SealedDoc) must quarantine each
 * with its code and keep every other note. The envelope layout (which byte means what)
 * is crypto/FORMATS.md; the order of checks is crypto/ERRORS.md "Envelope failure order".
 */
const NB = 'nb-tamper';
let keyring: Keyring;
let writers: { notes: Writer; target: Writer; reader: Writer };

beforeAll(async () => {
  await sodiumReady();
  const keyId = newKeyId();
  keyring = createKeyring(new Map([[keyId, randomNotebookKey()]]), keyId);
  writers = {
    notes: newWriter(generateSigningKeyPair()),
    target: newWriter(generateSigningKeyPair()),
    reader: newWriter(generateSigningKeyPair()),
  };
});

type Purposes = { readonly update: EnvelopePurpose; readonly snapshot: EnvelopePurpose };
const NOTEBOOK: Purposes = { update: 'update', snapshot: 'snapshot' };
const VAULT: Purposes = { update: 'vault-update', snapshot: 'vault-snapshot' };
let purposes = NOTEBOOK;

function replica(docId: string, box: Y.Doc, writer: Writer, ring = keyring) {
  const plain = new Y.Doc();
  return { plain, box, sealed: new SealedDoc({ docId, plain, box, keyring: ring, writer, coalesceMs: 1, purposes }) };
}

const titles = (plain: Y.Doc) => readNotes(plain).map((n) => n.title).sort();

function copyOf(box: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(box));
  return copy;
}

/** A notebook with five notes from one writer, and a separate writer's entry and snapshot (the targets). */
function fixture() {
  const source = replica(NB, new Y.Doc(), writers.notes);
  for (let i = 0; i < 5; i++) createNote(source.plain, { title: `note ${i}`, body: `body ${i}` });
  source.sealed.flush();
  const target = replica(NB, new Y.Doc(), writers.target);
  createNote(target.plain, { title: 'target', body: 'must never appear' });
  target.sealed.flush();
  const [updateKey, update] = [...boxMaps(target.box).entries.entries()][0] as [string, Uint8Array];
  target.sealed.compact();
  const [snapshotKey, snapshot] = [...boxMaps(target.box).snapshots.entries()][0] as [string, Uint8Array];
  return { source, updateKey, update, snapshotKey, snapshot };
}

/**
 * Expected code of a single flipped byte of a v3 envelope read where it was written: the
 * version, then the purpose, then the key id are read in clear; everything after them (nonce,
 * ciphertext holding signer, signature and update, tag) and the key id itself are bound by
 * the AEAD. A version byte flipped to 1 makes it read as v1, whose "signer" then owns no slot;
 * flipped to 2 (still read) it opens as v2, and the AEAD, which binds the version, refuses it.
 * The mask is random, so each of these comes up about once in 255 runs.
 */
function flipCode(at: number, flipped: Uint8Array): string {
  if (at === 0) return flipped[0] === 1 ? 'E_SIGNER' : flipped[0] === 2 ? 'E_DECRYPT' : 'E_VERSION';
  if (at === 1) return Object.values(ENVELOPE_PURPOSES).includes(flipped[1] as 1) ? 'E_CONTEXT' : 'E_FORMAT';
  if (at < 18) return 'E_KEY_UNKNOWN';
  return 'E_DECRYPT';
}

/**
 * A notebook Alice founded with Bob and Carol as members and three notes of hers, sealed:
 * where the shared-notebook cases start. Prints the seed of its randomness.
 */
function sharedNotebookOfThree(name: string, id: string) {
  const seed = testSeed();
  console.log(`tamper-box ${name} seed=${seed} (replay with OBSCURA_SEED=${seed})`);
  const [alice, bob, carol] = [newDevice(), newDevice(), newDevice()];
  const k1 = firstKey();
  const a = openReplica({ id, device: alice, keyring: keyringWith(k1), founder: alice.deviceId });
  foundMembers(a.plain, memberKeys(alice), alice.signing);
  addMember(a.plain, memberKeys(bob), 'member', alice.signing);
  addMember(a.plain, memberKeys(carol), 'member', alice.signing);
  for (let i = 0; i < 3; i++) createNote(a.plain, { title: `alice ${i}` });
  a.sealed.flush();
  return { random: seededRandom(seed), ID: id, alice, bob, carol, k1, a };
}

describe('tamper: sealed box entries and snapshots', () => {
  it.each([
    ['a notebook box', NOTEBOOK],
    ['the vault doc box (vault purposes)', VAULT],
  ] as const)('%s: every flip, truncation, extension and move is quarantined with its code; the other notes stay', (what, docPurposes) => {
    purposes = docPurposes;
    const seed = testSeed();
    console.log(`tamper-box ${what} seed=${seed} (replay with OBSCURA_SEED=${seed})`);
    const random = seededRandom(seed);
    const { source, updateKey, update, snapshotKey, snapshot } = fixture();
    const expected = titles(source.plain);
    const reader = replica(NB, new Y.Doc(), writers.reader);
    Y.applyUpdate(reader.box, Y.encodeStateAsUpdate(source.box));
    expect(titles(reader.plain)).toEqual(expected);
    const maps = boxMaps(reader.box);
    const tally = new TamperTally(`tamper-box (${what})`);

    /** Puts one value in the reader's box as a peer would, reads the verdict, takes it out again. */
    const plant = (map: 'entries' | 'snapshots', key: string, value: Uint8Array): string => {
      Y.transact(reader.box, () => maps[map].set(key, value));
      const q = reader.sealed.quarantine.get(`${map}:${key}`);
      Y.transact(reader.box, () => maps[map].delete(key));
      expect(reader.sealed.quarantine.size).toBe(0);
      return q ? q.code : 'ok';
    };

    for (const [map, key, value] of [['entries', updateKey, update], ['snapshots', snapshotKey, snapshot]] as const) {
      const cases: [ByteCase, string][] = [
        ...[...everyFlip(value, random)].map((c): [ByteCase, string] => [c, flipCode(c.at as number, c.bytes)]),
        ...[...everyTruncation(value)].map((c): [ByteCase, string] => [c, c.bytes.length < ENVELOPE_V3_OVERHEAD ? 'E_TRUNCATED' : 'E_DECRYPT']),
        ...[...extensions(value, random)].map((c): [ByteCase, string] => [c, 'E_DECRYPT']),
      ];
      for (const [c, code] of cases) tally.record(`${map} ${c.name}`, plant(map, key, c.bytes), code);

      const { writerId, seq } = parseEntryKey(key) as { writerId: string; seq: number };
      const otherMap = map === 'entries' ? 'snapshots' : 'entries';
      const moves: [string, 'entries' | 'snapshots', string, string][] = [
        ['another seq', map, `${writerId}/${seq + 1}`, 'E_DECRYPT'],
        ['seq 0 of the same writer', map, `${writerId}/0`, 'E_ENTRY_KEY'],
        ['another session of the same device', map, `${writers.target.deviceId}.other-session/${seq}`, 'E_DECRYPT'],
        ['another device\'s writer slot', map, `${writers.notes.writerId}/${seq}`, 'E_DECRYPT'],
        ['the other kind (update <-> snapshot)', otherMap, key, 'E_CONTEXT'],
      ];
      for (const [name, toMap, toKey, code] of moves) tally.record(`${map} moved to ${name}`, plant(toMap, toKey, value), code);
    }

    // The same envelopes in another notebook: under the same key (only the notebook id
    // differs, which the signature binds), and under that notebook's own key.
    const otherKeyId = newKeyId();
    for (const [name, ring, code] of [
      ['another notebook, same key', keyring, 'E_DECRYPT'],
      ['another notebook, its own key', createKeyring(new Map([[otherKeyId, randomNotebookKey()]]), otherKeyId), 'E_KEY_UNKNOWN'],
    ] as const) {
      const other = replica('nb-other', new Y.Doc(), writers.reader, ring);
      for (const [map, key, value] of [['entries', updateKey, update], ['snapshots', snapshotKey, snapshot]] as const) {
        Y.transact(other.box, () => boxMaps(other.box)[map].set(key, value));
        const q = other.sealed.quarantine.get(`${map}:${key}`);
        tally.record(`${map} into ${name}`, q ? q.code : 'ok', code);
      }
      expect(titles(other.plain)).toEqual([]);
    }

    // Sealed in the right place under the right key, but for the vault (another purpose).
    const { writerId, seq } = parseEntryKey(updateKey) as { writerId: string; seq: number };
    const current = keyring.current();
    const vaultEntry = sealEnvelope({
      key: current.key,
      keyId: current.keyId,
      plaintext: new Uint8Array([0, 0]),
      signer: writers.target.signer,
      context: { notebookId: NB, writerId, seq, purpose: purposes === VAULT ? 'update' : 'vault-update' },
    });
    tally.record('an envelope of the other kind of doc (notebook <-> vault)', plant('entries', updateKey, vaultEntry), 'E_CONTEXT');

    console.log(tally.summary());
    expect(tally.acceptedWrongly, tally.wrong.join('\n')).toBe(0);
    expect(tally.mismatched).toEqual([]);
    expect(tally.tried).toBe(tally.rejected);
    expect(titles(reader.plain)).toEqual(expected);

    // A fresh replica loading a box full of tampered values opens every good entry and
    // quarantines exactly the planted ones.
    const planted = new Y.Doc();
    Y.applyUpdate(planted, Y.encodeStateAsUpdate(source.box));
    const flipped = update.slice();
    flipped[100] = (flipped[100] as number) ^ 0x40;
    Y.transact(planted, () => {
      boxMaps(planted).entries.set(updateKey, flipped);
      boxMaps(planted).snapshots.set(snapshotKey, snapshot.slice(0, 200));
      boxMaps(planted).entries.set(`${writers.notes.writerId}/99`, update);
      boxMaps(planted).snapshots.set(updateKey, update);
    });
    const fresh = replica(NB, planted, writers.reader);
    expect(titles(fresh.plain)).toEqual(expected);
    expect([...fresh.sealed.quarantine.values()].map((q) => q.code).sort()).toEqual(['E_CONTEXT', 'E_DECRYPT', 'E_DECRYPT', 'E_DECRYPT']);
  });

  it('shared notebook (member trust): a member\'s entry tampered with, moved to another member\'s slot, or written after its removal is quarantined', () => {
    const { random, ID, alice, bob, carol, k1, a } = sharedNotebookOfThree('shared', 'nb-shared-tamper');
    const b = openReplica({ id: ID, device: bob, keyring: keyringWith(k1), founder: alice.deviceId });
    syncBoxes(a, b);
    const before = new Set(boxMaps(b.box).entries.keys());
    createNote(b.plain, { title: 'bob target' });
    b.sealed.flush();
    const [bobKey, bobEntry] = [...boxMaps(b.box).entries.entries()].find(([k]) => !before.has(k)) as [string, Uint8Array];
    const aliceKey = [...before].find((k) => k.startsWith(a.meta.slot(alice.deviceId))) as string;

    const reader = openReplica({ id: ID, device: carol, keyring: keyringWith(k1), founder: alice.deviceId });
    syncBoxes(a, reader);
    const expected = titles(reader.plain);
    expect(expected).toEqual(['alice 0', 'alice 1', 'alice 2']);
    const maps = boxMaps(reader.box);
    const plant = (key: string, value: Uint8Array): string => {
      Y.transact(reader.box, () => maps.entries.set(key, value));
      const q = reader.sealed.quarantine.get(`entries:${key}`);
      Y.transact(reader.box, () => maps.entries.delete(key));
      return q ? q.code : 'ok';
    };
    const tally = new TamperTally('tamper-box-shared');
    for (const c of everyFlip(bobEntry, random)) tally.record(c.name, plant(bobKey, c.bytes), flipCode(c.at as number, c.bytes));
    for (const c of everyTruncation(bobEntry)) tally.record(c.name, plant(bobKey, c.bytes), c.bytes.length < ENVELOPE_V3_OVERHEAD ? 'E_TRUNCATED' : 'E_DECRYPT');
    for (const c of extensions(bobEntry, random)) tally.record(c.name, plant(bobKey, c.bytes), 'E_DECRYPT');
    const { seq } = parseEntryKey(bobKey) as { seq: number };
    tally.record('moved to another member\'s slot', plant(`${aliceKey.split('/')[0] as string}/${seq}`, bobEntry), 'E_DECRYPT');
    tally.record('moved to another seq', plant(`${bobKey.split('/')[0] as string}/${seq + 7}`, bobEntry), 'E_DECRYPT');
    // Sanity: untouched, it applies; then Alice removes Bob and the same entry no longer does.
    expect(plant(bobKey, bobEntry)).toBe('ok');
    expect(titles(reader.plain)).toContain('bob target');
    markMemberRemoved(a.plain, bob.deviceId, alice.signing);
    a.sealed.flush();
    syncBoxes(a, reader);
    createNote(b.plain, { title: 'bob after removal' });
    b.sealed.flush();
    const [lateKey, lateEntry] = [...boxMaps(b.box).entries.entries()].find(([k]) => k !== bobKey && !before.has(k)) as [string, Uint8Array];
    tally.record('written by a removed member', plant(lateKey, lateEntry), 'E_SIGNER');

    console.log(tally.summary());
    expect(tally.acceptedWrongly, tally.wrong.join('\n')).toBe(0);
    expect(tally.mismatched).toEqual([]);
    expect(titles(reader.plain)).not.toContain('bob after removal');
  });

  it('delivered by a peer, every tampered overwrite and every delete leaves the legitimate bytes in the box (entries, snapshots, keys, revocations)', () => {
    const { random, ID, alice, bob, carol, k1, a } = sharedNotebookOfThree('survival', 'nb-survival');
    a.sealed.compact();
    createNote(a.plain, { title: 'after the snapshot' });
    a.sealed.flush();
    const b = openReplica({ id: ID, device: bob, keyring: keyringWith(k1), founder: alice.deviceId, box: copyOf(a.box) });
    const rotated = removeMemberAndRotate(a, carol.deviceId);
    if (!rotated.ok) throw new Error(rotated.error.message);
    createNote(a.plain, { title: 'after the rotation' });
    a.sealed.flush();
    syncBoxes(a, b);
    expect(pickUpNotebookKeys(b)).toEqual([rotated.value.keyId]);
    const expected = titles(a.plain);
    expect(titles(b.plain)).toEqual(expected);
    const maps = { entries: boxMaps(b.box).entries, snapshots: boxMaps(b.box).snapshots, keys: keysMap(b.box), revocations: revocationsMap(b.box) };
    const legit = Object.fromEntries(Object.entries(maps).map(([name, map]) => [name, new Map(map.entries())])) as Record<keyof typeof maps, Map<string, Uint8Array>>;
    for (const map of Object.values(legit)) expect(map.size).toBeGreaterThan(0);

    /** A peer holding Bob's box sends one change; Bob's box must hold every legitimate value after it. */
    const attack = (name: keyof typeof maps, change: (map: Y.Map<Uint8Array>) => void): boolean => {
      const peer = copyOf(b.box);
      const before = Y.encodeStateVector(peer);
      peer.transact(() => change(peer.getMap<Uint8Array>(name)));
      Y.applyUpdate(b.box, Y.encodeStateAsUpdate(peer, before), 'hostile peer');
      return Object.entries(legit).every(([mapName, values]) => [...values].every(([key, value]) => {
        const now: unknown = maps[mapName as keyof typeof maps].get(key);
        return now instanceof Uint8Array && Buffer.from(now).equals(Buffer.from(value));
      }));
    };
    let tried = 0;
    let survived = 0;
    for (const name of Object.keys(legit) as (keyof typeof maps)[]) {
      for (const [key, value] of legit[name]) {
        const cases = [...everyFlip(value, random)].filter(() => random() < 0.1).map((c) => c.bytes);
        cases.push(value.slice(0, value.length - 1), new Uint8Array([...value, 0]), new Uint8Array(0));
        for (const bytes of cases) {
          tried++;
          if (attack(name, (map) => map.set(key, bytes))) survived++;
        }
        tried++;
        if (attack(name, (map) => map.delete(key))) survived++;
      }
      tried++;
      if (attack(name, (map) => [...map.keys()].forEach((key) => map.delete(key)))) survived++;
    }
    console.log(`tamper-box survival: ${tried} overwrites and deletes delivered by a peer, legitimate values intact after ${survived}`);
    expect(survived).toBe(tried);
    expect(titles(b.plain)).toEqual(expected);
    const reloaded = openReplica({ id: ID, device: bob, keyring: keyringWith(k1, { keyId: rotated.value.keyId, key: b.keyring.get(rotated.value.keyId) as Uint8Array }), founder: alice.deviceId, box: copyOf(b.box) });
    expect(titles(reloaded.plain)).toEqual(expected);
    expect(reloaded.sealed.quarantine.size).toBe(0);
  });
});

