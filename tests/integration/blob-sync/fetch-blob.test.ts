import { beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, sodiumReady } from '../../../crypto/index.ts';
import { pieceCount, pieceLength } from '../../../sync/blob/blob-layout.ts';
import type { BlobStore } from '../../../sync/blob/blob-store.ts';
import { fetchBlob } from '../../../sync/blob/fetch-blob.ts';
import type { PieceBatch, PieceSource } from '../../../sync/blob/piece-source.ts';
import { sameBytes } from '../transport/peer-pair.ts';
import { KiB, newStore, putPhoto, readPhoto } from './blob-sync-harness.ts';

beforeAll(sodiumReady);

/** A source that serves `store`'s pieces, 4 at a time, as a peer would. */
function honest(key: string, store: BlobStore, asked: string[]): PieceSource {
  return {
    key,
    async pieces(id, first): Promise<PieceBatch> {
      asked.push(`${key}@${first}`);
      const stat = await store.stat(id);
      if (!stat) return { kind: 'missing' };
      const pieces: Uint8Array[] = [];
      for (let index = first; index < Math.min(first + 4, stat.pieces); index++) pieces.push((await store.readPiece(id, index))!);
      return { kind: 'pieces', size: stat.size, pieces };
    },
  };
}

/** Pieces of the right sizes and random bytes for the whole blob. */
function liar(key: string, size: number, asked: string[]): PieceSource {
  return {
    key,
    async pieces(_id, first): Promise<PieceBatch> {
      asked.push(`${key}@${first}`);
      const end = Math.min(first + 4, pieceCount(size));
      return { kind: 'pieces', size, pieces: Array.from({ length: end - first }, (_, i) => randomBytes(pieceLength(size, first + i))) };
    },
  };
}

const options = (sources: PieceSource[]) => ({ sources: () => sources, isClosed: () => false, sleep: async () => {}, retryMs: 1 });

describe('fetchBlob: who is blamed for a blob that does not hash to its id', () => {
  it('a source that sent the whole blob alone is blamed (not asked again) and the next one delivers', async () => {
    const home = newStore();
    const photo = await putPhoto(home, 71, 200 * KiB);
    const asked: string[] = [];
    const store = newStore();
    const result = await fetchBlob(store, photo.photo.id, options([liar('liar', photo.photo.size, asked), honest('good', home, asked)]));
    expect(result).toMatchObject({ ok: true, value: { key: 'good' } });
    // One download from piece 0, batch by batch; after the hash failed, never again.
    const lastLiar = asked.findLastIndex((a) => a.startsWith('liar'));
    expect(asked.filter((a) => a === 'liar@0')).toHaveLength(1);
    expect(asked.indexOf('good@0')).toBe(lastLiar + 1);
    expect(sameBytes((await readPhoto(store, photo, 71))!, photo.plain)).toBe(true);
  });

  it('pieces left by an earlier attempt: the honest source that finishes them is not blamed; the blob comes again from it alone', async () => {
    const home = newStore();
    const photo = await putPhoto(home, 72, 200 * KiB);
    const store = newStore();
    const size = photo.photo.size;
    // An earlier transfer (another source, perhaps before a reload) stored garbage of the right sizes.
    for (let index = 0; index < 3; index++) expect((await store.receivePiece(photo.photo.id, size, index, randomBytes(pieceLength(size, index)))).ok).toBe(true);
    const asked: string[] = [];
    const result = await fetchBlob(store, photo.photo.id, options([honest('good', home, asked)]));
    expect(result).toMatchObject({ ok: true, value: { key: 'good' } });
    // Resumed at piece 3, failed the hash, then fetched whole from piece 0.
    expect(asked[0]).toBe('good@3');
    expect(asked).toContain('good@0');
    expect(sameBytes((await readPhoto(store, photo, 72))!, photo.plain)).toBe(true);
  });
});
