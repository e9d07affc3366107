import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { asNotebookKey, asPhotoKey, concatBytes, decryptBlob, fromBase64Url, generateSigningKeyPair, readEnvelopeHeader, sodiumReady } from '../../../crypto/index.ts';
import { BlobStore } from '../../../sync/blob/blob-store.ts';
import { photoBlobAd } from '../../../sync/blob/photo-blob-ad.ts';
import { readNotes } from '../../../sync/notebook/notes.ts';
import { boxMaps } from '../../../sync/sealed/box-layout.ts';
import { createKeyring } from '../../../sync/sealed/keyring.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';
import { MemoryStorageAdapter } from '../../../sync/storage/memory-storage-adapter.ts';

interface Fixture {
  notebookId: string;
  keyId: string;
  notebookKey: string;
  box: string;
  photoKey: string;
  photoAd: { notebookId: string; noteId: string; purpose: 'photo' };
  blob: { id: string; size: number; chunks: number };
  storage: [string[], string][];
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/legacy/pre-padding.json', import.meta.url), 'utf8')) as Fixture;
const bytes = (b64: string): Uint8Array => {
  const decoded = fromBase64Url(b64);
  if (!decoded.ok) throw new Error(decoded.error.message);
  return decoded.value;
};
const photo = (): Uint8Array => {
  const out = new Uint8Array(70_000);
  for (let i = 0; i < out.length; i++) out[i] = (i * 31 + (i >> 9)) & 0xff;
  return out;
};

beforeAll(sodiumReady);

/** Data written by the code before size padding (tests/fixtures/legacy/generate-pre-padding.ts) still reads. */
describe('legacy: written before size padding', () => {
  it('a notebook box of v2 envelopes opens and applies', () => {
    const box = new Y.Doc();
    Y.applyUpdate(box, bytes(fixture.box));
    const versions = [...boxMaps(box).entries.values()].map((value) => readEnvelopeHeader(value).ok && value[0]);
    expect(versions.length).toBeGreaterThan(0);
    expect(new Set(versions)).toEqual(new Set([0x02]));
    const plain = new Y.Doc();
    const keyring = createKeyring(new Map([[fixture.keyId, asNotebookKey(bytes(fixture.notebookKey))]]), fixture.keyId);
    const sealed = new SealedDoc({ docId: fixture.notebookId, plain, box, keyring, writer: newWriter(generateSigningKeyPair()) });
    expect(sealed.quarantine.size).toBe(0);
    expect(readNotes(plain).map((n) => n.title).sort()).toEqual(['second', 'written before padding']);
    sealed.destroy();
  });

  it('a v1 photo blob reads from the store it was written to, and whole', async () => {
    const storage = new MemoryStorageAdapter();
    for (const [key, data] of fixture.storage) await storage.save(key, bytes(data));
    const ad = photoBlobAd(fixture.photoAd.notebookId, fixture.photoAd.noteId, fixture.photoAd.purpose);
    const key = asPhotoKey(bytes(fixture.photoKey));
    const store = new BlobStore(storage);
    expect(await store.stat(fixture.blob.id)).toEqual({ size: fixture.blob.size, pieces: fixture.blob.chunks + 1 });
    const read = await store.readAll(fixture.blob.id, key, ad);
    expect(read.ok && Buffer.compare(read.value, photo())).toBe(0);
    const pieces: Uint8Array[] = [];
    for (let i = 0; i <= fixture.blob.chunks; i++) pieces.push((await store.readPiece(fixture.blob.id, i)) ?? new Uint8Array(0));
    const whole = concatBytes(...pieces);
    expect(whole[0]).toBe(0x01);
    const opened = decryptBlob(key, whole, ad);
    expect(opened.ok && Buffer.compare(opened.value, photo())).toBe(0);
  });
});
