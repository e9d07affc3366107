import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { generateSigningKeyPair, newKeyId, randomNotebookKey, sodiumReady, toBase64Url } from '../../../crypto/index.ts';
import { addUserLabel, isLabelRecord, isOcrRecord, readLabels, readOcr, readPipelineVersion, removeLabel, writeTagResults } from '../../../sync/notebook/labels.ts';
import { createNote, notesMap, readNotes } from '../../../sync/notebook/notes.ts';
import { failInterruptedImports, isPhotoRecord, notesToTag, photoKeyOf, readNotePhoto, readTaggingStatus } from '../../../sync/notebook/photos.ts';
import { boxMaps, entryKey } from '../../../sync/sealed/box-layout.ts';
import { isCurrentMember, listMembers, memberTrust, membersMap } from '../../../sync/share/members.ts';
import { revocationsMap, writeRevocation } from '../../../sync/share/revocations.ts';
import { createKeyring } from '../../../sync/sealed/keyring.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { encodeSnapshot } from '../../../sync/sealed/snapshot-codec.ts';
import { deviceIdFor, newWriter, signerMatchesWriter } from '../../../sync/sealed/writer.ts';
import { sealEnvelope } from '../../../crypto/index.ts';
import { fuzz, int, mutateBytes, mutateString, mutateValue, pick, randomBytes, randomValue, type Random } from '../../helpers/fuzz.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';
import { testRoom } from '../share/share-harness.ts';

/**
 * The plain doc is written by every member, so a malicious member can put anything a Yjs
 * map can hold where a photo record, a label, an OCR line or a timestamp should be, and
 * can seal updates and snapshots that are not what they claim. Readers must skip what is
 * malformed, never throw, and only hand the UI values it can render (a time a Date holds,
 * records that pass their validators).
 */
beforeAll(sodiumReady);

const seed = testSeed();
const BUDGET = { cases: 1500, ms: 3000 };

const GOOD_PHOTO = { blobId: 'a'.repeat(64), thumbBlobId: 'b'.repeat(64), photoKey: 'A'.repeat(43), width: 640, height: 480, mime: 'image/jpeg', addedAt: 1 };
const GOOD_LABEL = { label: 'cat', score: 0.9, box: [1, 2, 3, 4], source: 'model', modelId: 'det', modelVersion: '1' };
const GOOD_OCR = { text: 'hello', confidence: 0.8, box: [[0, 0], [1, 0], [1, 1], [0, 1]] };

/**
 * Yjs picks the content type by `value.constructor`, so a writer cannot store an object
 * with an own "constructor" key, nor undefined in an array (it throws on the writer's
 * side, not ours).
 */
function storable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => storable(v) ?? null);
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'constructor').map(([k, v]) => [k, storable(v)]));
}

/** Something a Yjs map can hold: a plain value, bytes, or a Y type. */
function yValue(random: Random, like: unknown): unknown {
  const r = random();
  if (r < 0.5) return storable(mutateValue(like, random));
  if (r < 0.6) return new Y.Text(String(int(random, 1000)));
  if (r < 0.7) return Y.Array.from([storable(randomValue(random, 1)) ?? null, storable(mutateValue(like, random)) ?? null]);
  if (r < 0.8) return new Y.Map();
  return storable(randomValue(random, 2));
}

/** A peer's edit of one note: any field set to anything, labels and OCR arrays full of near-misses. */
function hostileNote(random: Random): Y.Map<unknown> | unknown {
  if (random() < 0.1) return storable(randomValue(random, 2));
  const note = new Y.Map<unknown>();
  note.set('title', random() < 0.7 ? new Y.Text('t') : yValue(random, 't'));
  note.set('body', random() < 0.7 ? new Y.Text('b') : yValue(random, 'b'));
  note.set('createdAt', pick(random, [1, Number.NaN, Number.POSITIVE_INFINITY, 1e20, -1e20, 8.64e15, '1', null]));
  note.set('updatedAt', random() < 0.5 ? 2 : yValue(random, 2));
  note.set('photo', random() < 0.3 ? { ...GOOD_PHOTO } : yValue(random, GOOD_PHOTO));
  note.set('tagging', yValue(random, pick(random, [{ state: 'done' }, { state: 'importing' }, { state: 'failed', code: 'E_X', message: 'm' }])));
  note.set('pipelineVersion', yValue(random, 'p1'));
  note.set('labels', random() < 0.2 ? yValue(random, []) : Y.Array.from(Array.from({ length: int(random, 5) }, () => (random() < 0.5 ? { ...GOOD_LABEL } : yValue(random, GOOD_LABEL) ?? null))));
  note.set('ocr', random() < 0.2 ? yValue(random, []) : Y.Array.from(Array.from({ length: int(random, 3) }, () => yValue(random, GOOD_OCR) ?? null)));
  note.set('rejectedLabels', yValue(random, ['dog']));
  return note;
}

const validTime = (n: number) => {
  try {
    new Date(n).toISOString();
    return true;
  } catch {
    return false;
  }
};

describe(`fuzz: what peers write into the plain doc (seed=${seed}, replay with OBSCURA_SEED=${seed})`, () => {
  it('photo records, tagging status, labels, OCR lines and times: readers skip what is malformed and never throw', () => {
    const random = seededRandom(seed);
    const tally = fuzz('plain-doc readers', BUDGET, () => {
      const peer = new Y.Doc();
      for (let i = 1 + int(random, 3); i > 0; i--) notesMap(peer).set(`n${i}`, hostileNote(random) as Y.Map<unknown>);
      return Y.encodeStateAsUpdate(peer);
    }, (update) => {
      const doc = new Y.Doc();
      createNote(doc, { title: 'mine' });
      Y.applyUpdate(doc, update);
      const notes = readNotes(doc);
      if (!notes.some((n) => n.title === 'mine')) return 'BUG: own note lost';
      if (!notes.every((n) => validTime(n.createdAt) && validTime(n.updatedAt) && typeof n.title === 'string')) return 'BUG: a time a Date cannot hold';
      for (const id of notesMap(doc).keys()) {
        const photo = readNotePhoto(doc, id);
        if (photo && (!isPhotoRecord(photo) || !validTime(photo.addedAt))) return 'BUG: malformed photo record';
        if (photo) photoKeyOf(photo);
        readTaggingStatus(doc, id);
        readPipelineVersion(doc, id);
        if (!readLabels(doc, id).every(isLabelRecord) || !readOcr(doc, id).every(isOcrRecord)) return 'BUG: malformed label';
        addUserLabel(doc, id, 'Mine');
        removeLabel(doc, id, 'cat');
        writeTagResults(doc, id, { labels: [{ label: 'dog', score: 1, box: [0, 0, 1, 1], modelId: 'd', modelVersion: '1' }], ocr: [], pipelineVersion: 'p2' });
        if (readNotePhoto(doc, id) && !readLabels(doc, id).some((l) => l.label === 'dog')) return 'BUG: tag results not written';
      }
      notesToTag(doc, 'p2');
      failInterruptedImports(doc, () => false);
      return 'ok';
    });
    console.log(tally.summary());
    expect(tally.crashes, tally.crashes.slice(0, 5).join('\n')).toEqual([]);
    expect(tally.uncoded, tally.uncoded.slice(0, 5).join('\n')).toEqual([]);
    expect(tally.hangs).toEqual([]);
  });

  it('member records (plain doc) and revocations (the box\'s unsealed map, which a relay can fill): trust answers, never throws', () => {
    const random = seededRandom(seed + 2);
    const founder = generateSigningKeyPair();
    const founderId = deviceIdFor(founder.publicKey);
    const member = generateSigningKeyPair();
    const memberId = deviceIdFor(member.publicKey);
    const goodRecord = { signingPublicKey: toBase64Url(member.publicKey), role: 'member', addedBy: founderId, addedAt: 1 };
    const goodRevocation = (() => {
      const box = new Y.Doc();
      writeRevocation(box, 'nb', testRoom('nb'), memberId, founder, 5);
      return [...revocationsMap(box).entries()][0] as [string, Uint8Array];
    })();
    const tally = fuzz('members and revocations', BUDGET, () => {
      const plain = new Y.Doc();
      const box = new Y.Doc();
      for (let i = int(random, 4); i >= 0; i--) {
        const record = new Y.Map<unknown>();
        for (const [k, v] of Object.entries(random() < 0.3 ? goodRecord : (storable(mutateValue(goodRecord, random)) as Record<string, unknown>) ?? {})) record.set(k, v);
        if (random() < 0.3) record.set('removedAt', storable(pick(random, [1, Number.NaN, 'x', null])));
        membersMap(plain).set(pick(random, [memberId, founderId, 'junk', '']), record);
      }
      for (let i = int(random, 4); i > 0; i--) {
        const [key, value] = goodRevocation;
        revocationsMap(box).set(random() < 0.5 ? key : mutateString(key, random), (random() < 0.7 ? mutateBytes(value, random) : storable(randomValue(random, 1))) as Uint8Array);
      }
      return { plain, box };
    }, ({ plain, box }) => {
      // As SealedDoc asks it: the signer owns its writer slot, and member trust says yes.
      const members = memberTrust(plain, founderId, { box, notebookId: 'nb', meta: testRoom('nb') });
      const trust = (writerId: string, pk: Uint8Array): boolean => signerMatchesWriter(writerId, pk) && members(writerId, pk);
      const answers = [trust(`${memberId}.s`, member.publicKey), trust(`${founderId}.s`, founder.publicKey), trust(`${memberId}.s`, founder.publicKey)];
      if (answers[2]) return 'BUG: a signer trusted in another device\'s slot';
      listMembers(plain);
      isCurrentMember(plain, member.publicKey);
      return answers[0] ? 'ok' : 'refused';
    });
    console.log(tally.summary());
    expect(tally.crashes, tally.crashes.slice(0, 5).join('\n')).toEqual([]);
    expect(tally.uncoded).toEqual([]);
    expect(tally.hangs).toEqual([]);
  });

  it('times a Date cannot hold read as 0 (regression: a peer\'s NaN or 1e20 createdAt made the note list\'s toISOString throw)', () => {
    const peer = new Y.Doc();
    const times = [Number.NaN, Number.POSITIVE_INFINITY, 1e20, -8.64e15 - 1];
    for (const [i, t] of times.entries()) {
      const note = new Y.Map<unknown>();
      note.set('title', new Y.Text(`n${i}`));
      note.set('createdAt', t);
      note.set('updatedAt', t);
      note.set('photo', { ...GOOD_PHOTO, addedAt: t });
      notesMap(peer).set(`n${i}`, note);
    }
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(peer));
    expect(readNotes(doc).map((n) => [n.createdAt, n.updatedAt])).toEqual(times.map(() => [0, 0]));
    expect(times.map((_, i) => readNotePhoto(doc, `n${i}`))).toEqual(times.map(() => undefined));
  });

  it('updates and snapshots a trusted writer sealed over junk: quarantined (E_UPDATE, E_PAYLOAD) or applied, never thrown', () => {
    const random = seededRandom(seed + 1);
    const keyId = newKeyId();
    const keyring = createKeyring(new Map([[keyId, randomNotebookKey()]]), keyId);
    const member = newWriter(generateSigningKeyPair());
    const source = new Y.Doc();
    createNote(source, { title: 'peer note', body: 'x'.repeat(50) });
    const goodUpdate = Y.encodeStateAsUpdate(source);
    const goodSnapshot = encodeSnapshot({ covers: [`${member.writerId}/1`], update: goodUpdate });
    let seq = 0;
    const tally = fuzz('sealed junk from a member', { cases: 800, ms: 3000 }, () => {
      const snapshot = random() < 0.4;
      const base = snapshot ? goodSnapshot : goodUpdate;
      const plaintext = random() < 0.9 ? mutateBytes(base, random, [goodUpdate]) : randomBytes(random, 300);
      seq++;
      const envelope = sealEnvelope({
        key: keyring.current().key, keyId, plaintext, signer: member.signer,
        context: { notebookId: 'nb', writerId: member.writerId, seq, purpose: snapshot ? 'snapshot' : 'update' },
      });
      return { snapshot, key: entryKey(member.writerId, seq), envelope };
    }, ({ snapshot, key, envelope }) => {
      const plain = new Y.Doc();
      const box = new Y.Doc();
      const sealed = new SealedDoc({ docId: 'nb', plain, box, keyring, writer: newWriter(generateSigningKeyPair()), coalesceMs: 1 });
      createNote(plain, { title: 'mine' });
      sealed.flush();
      Y.transact(box, () => boxMaps(box)[snapshot ? 'snapshots' : 'entries'].set(key, envelope));
      const q = sealed.quarantine.get(`${snapshot ? 'snapshots' : 'entries'}:${key}`);
      readNotes(plain);
      createNote(plain, { title: 'after' });
      sealed.flush();
      sealed.destroy();
      return q ? q.code : 'ok';
    });
    console.log(tally.summary());
    expect(tally.crashes, tally.crashes.slice(0, 5).join('\n')).toEqual([]);
    expect(tally.uncoded).toEqual([]);
    expect(tally.hangs).toEqual([]);
    expect([...tally.outcomes.keys()].filter((o) => o !== 'ok').every((o) => ['E_UPDATE', 'E_PAYLOAD'].includes(o))).toBe(true);
  });
});
