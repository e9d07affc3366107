import { beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import * as Y from 'yjs';
import { createNote, readNote } from '../../../sync/notebook/notes.ts';
import { failInterruptedImports, isPhotoRecord, photoKeyOf, notesToTag, readNotePhoto, readTaggingStatus, setNotePhoto, setTaggingStatus, type PhotoRecord } from '../../../sync/notebook/photos.ts';
import { writeTagResults } from '../../../sync/notebook/labels.ts';

const PHOTO: PhotoRecord = {
  blobId: 'a'.repeat(64),
  thumbBlobId: 'b'.repeat(64),
  photoKey: 'k'.repeat(43),
  width: 451,
  height: 300,
  mime: 'image/jpeg',
  addedAt: 1_700_000_000_000,
};

beforeAll(() => sodiumReady());

describe('photo records', () => {
  it('a note carries its photo and tagging status, and stays a note', () => {
    const doc = new Y.Doc();
    const id = createNote(doc, { title: 'Chelsea' });
    setNotePhoto(doc, id, PHOTO);
    setTaggingStatus(doc, id, { state: 'queued' });
    expect(readNotePhoto(doc, id)).toEqual(PHOTO);
    expect(readTaggingStatus(doc, id)).toEqual({ state: 'queued' });
    expect(readNote(doc, id)?.title).toBe('Chelsea');
  });

  it('survives a round trip through a Yjs update to another replica', () => {
    const a = new Y.Doc();
    const id = createNote(a);
    setNotePhoto(a, id, PHOTO);
    setTaggingStatus(a, id, { state: 'failed', code: 'E_IMAGE_CORRUPT', message: 'not an image' });
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(readNotePhoto(b, id)).toEqual(PHOTO);
    expect(readTaggingStatus(b, id)).toEqual({ state: 'failed', code: 'E_IMAGE_CORRUPT', message: 'not an image' });
  });

  it('refuses damaged or foreign records', () => {
    expect(isPhotoRecord(PHOTO)).toBe(true);
    for (const bad of [null, [], { ...PHOTO, blobId: 'x' }, { ...PHOTO, width: -1 }, { ...PHOTO, photoKey: 'short' }, { ...PHOTO, mime: 'text/html' }]) {
      expect(isPhotoRecord(bad)).toBe(false);
    }
    const doc = new Y.Doc();
    const id = createNote(doc);
    doc.getMap<Y.Map<unknown>>('notes').get(id)?.set('photo', { ...PHOTO, height: 'tall' });
    expect(readNotePhoto(doc, id)).toBeUndefined();
    expect(readNotePhoto(doc, 'no-such-note')).toBeUndefined();
  });

  it('refuses a record whose type is not a raster photo (a peer\'s SVG would be handed to the browser as SVG)', () => {
    // Issue 12 §7: photoUrl made the photo's object URL with the record's own type, and any
    // image/* passed. A member's replica can write any record and any blob sealed under the
    // photo key it chose; only what the decoders read (JPEG, PNG, WebP, GIF) is a photo.
    for (const mime of ['image/jpeg', 'image/png', 'image/webp', 'image/gif']) expect(isPhotoRecord({ ...PHOTO, mime }), mime).toBe(true);
    for (const mime of ['image/svg+xml', 'image/svg', 'image/heic', 'image/bmp', 'image/x-icon', 'image/jpeg+xml']) {
      expect(isPhotoRecord({ ...PHOTO, mime }), mime).toBe(false);
    }
    const peer = new Y.Doc();
    const id = createNote(peer);
    peer.getMap<Y.Map<unknown>>('notes').get(id)?.set('photo', { ...PHOTO, mime: 'image/svg+xml' });
    const mine = new Y.Doc();
    Y.applyUpdate(mine, Y.encodeStateAsUpdate(peer));
    expect(readNotePhoto(mine, id)).toBeUndefined();
  });

  it('lists photo notes whose tags are missing or from another pipeline, not failed ones', () => {
    const doc = new Y.Doc();
    createNote(doc, { title: 'text only' });
    const queued = createNote(doc);
    const done = createNote(doc);
    const stale = createNote(doc);
    const failed = createNote(doc);
    for (const id of [queued, done, stale, failed]) setNotePhoto(doc, id, PHOTO);
    setTaggingStatus(doc, queued, { state: 'queued' });
    setTaggingStatus(doc, failed, { state: 'failed', code: 'E_IMAGE_CORRUPT', message: 'x' });
    for (const [id, version] of [[done, 'v2'], [stale, 'v1']] as const) {
      writeTagResults(doc, id, { labels: [], ocr: [], pipelineVersion: version });
      setTaggingStatus(doc, id, { state: 'done' });
    }
    expect(notesToTag(doc, 'v2').sort()).toEqual([queued, stale].sort());
  });

  it('marks imports a closed tab left behind as failed, sparing running ones', () => {
    const doc = new Y.Doc();
    const [left, running, queued] = [createNote(doc), createNote(doc), createNote(doc)];
    for (const id of [left, running]) setTaggingStatus(doc, id, { state: 'importing' });
    setTaggingStatus(doc, queued, { state: 'queued' });
    expect(failInterruptedImports(doc, (id) => id === running)).toEqual([left]);
    expect(readTaggingStatus(doc, left)).toMatchObject({ state: 'failed', code: 'E_IMPORT_INTERRUPTED' });
    expect(readTaggingStatus(doc, running)).toEqual({ state: 'importing' });
    expect(readTaggingStatus(doc, queued)).toEqual({ state: 'queued' });
  });

  it('an "importing" note whose photo is stored after all goes back in the tagging queue instead of failing', () => {
    const doc = new Y.Doc();
    const id = createNote(doc);
    setNotePhoto(doc, id, PHOTO);
    setTaggingStatus(doc, id, { state: 'importing' });
    expect(failInterruptedImports(doc, () => false)).toEqual([]);
    expect(readTaggingStatus(doc, id)).toEqual({ state: 'queued' });
    expect(notesToTag(doc, 'v1')).toEqual([id]);
  });

  it('a stored photo is tagged even when another tab marked its import interrupted and that mark won the merge (issue 18 §5)', () => {
    // Tab A imports; tab B opened the notebook while A's note still said "importing".
    const tabA = new Y.Doc();
    tabA.clientID = 1;
    const tabB = new Y.Doc();
    // The higher client id wins concurrent writes of one map key: B's mark wins here.
    tabB.clientID = 2;
    const id = createNote(tabA, { title: 'importing in tab A' });
    setTaggingStatus(tabA, id, { state: 'importing' });
    Y.applyUpdate(tabB, Y.encodeStateAsUpdate(tabA));
    tabA.transact(() => {
      setNotePhoto(tabA, id, PHOTO);
      setTaggingStatus(tabA, id, { state: 'queued' });
    });
    failInterruptedImports(tabB, () => false);
    Y.applyUpdate(tabA, Y.encodeStateAsUpdate(tabB));
    Y.applyUpdate(tabB, Y.encodeStateAsUpdate(tabA));
    expect(readNotePhoto(tabA, id)).toEqual(PHOTO);
    expect(readTaggingStatus(tabA, id)).toMatchObject({ state: 'failed', code: 'E_IMPORT_INTERRUPTED' });
    expect(notesToTag(tabA, 'v1')).toEqual([id]);
    expect(notesToTag(tabB, 'v1')).toEqual([id]);
  });

  it('photoKeyOf refuses a key that is not 32 bytes', () => {
    expect(photoKeyOf({ ...PHOTO, photoKey: 'A'.repeat(43) })?.length).toBe(32);
    expect(photoKeyOf({ ...PHOTO, photoKey: 'A'.repeat(42) })).toBeUndefined();
  });
});
