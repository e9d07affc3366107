import { beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { pieceCount } from '../../../sync/blob/blob-layout.ts';
import { photoBlobAd } from '../../../sync/blob/photo-blob-ad.ts';
import { sameBytes } from '../transport/peer-pair.ts';
import { newStore, putPhoto } from './blob-sync-harness.ts';

beforeAll(sodiumReady);

async function piecesOf(store: ReturnType<typeof newStore>, id: string): Promise<Uint8Array[]> {
  const stat = (await store.stat(id))!;
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < stat.pieces; i++) pieces.push((await store.readPiece(id, i))!);
  return pieces;
}

describe('BlobStore: received ciphertext', () => {
  it('pieces received in order become a readable blob only after the last one hashes to the id; progress survives a new store object', async () => {
    const source = newStore();
    const photo = await putPhoto(source, 7, 300 * 1024);
    const pieces = await piecesOf(source, photo.photo.id);
    expect(pieces).toHaveLength(pieceCount(photo.photo.size));
    const target = newStore();
    for (const [index, piece] of pieces.entries()) {
      expect(await target.has(photo.photo.id)).toBe(false);
      expect(await target.receivePiece(photo.photo.id, photo.photo.size, index, piece)).toEqual({ ok: true, value: { complete: index === pieces.length - 1 } });
      if (index < pieces.length - 1) expect(await target.incoming(photo.photo.id)).toEqual({ size: photo.photo.size, next: index + 1 });
    }
    expect(await target.incoming(photo.photo.id)).toBeUndefined();
    const read = await target.readAll(photo.photo.id, photo.key, photoBlobAd('nb', 'note-7', 'photo'));
    expect(read.ok && sameBytes(read.value, photo.plain)).toBe(true);
    expect(await target.stat(photo.photo.id)).toEqual(await source.stat(photo.photo.id));
  });

  it('E_HASH_MISMATCH: one flipped byte in a received piece: refused after the last piece, nothing kept', async () => {
    const source = newStore();
    const photo = await putPhoto(source, 8, 200 * 1024);
    const pieces = await piecesOf(source, photo.photo.id);
    pieces[2]![100]! ^= 1;
    const target = newStore();
    let last;
    for (const [index, piece] of pieces.entries()) last = await target.receivePiece(photo.photo.id, photo.photo.size, index, piece);
    expect(last).toMatchObject({ ok: false, error: { code: 'E_HASH_MISMATCH' } });
    expect(await target.has(photo.photo.id)).toBe(false);
    expect(await target.incoming(photo.photo.id)).toBeUndefined();
    expect(await target.readPiece(photo.photo.id, 0)).toBeUndefined();
    // It can still arrive, intact, from somewhere else.
    const good = await piecesOf(source, photo.photo.id);
    for (const [index, piece] of good.entries()) await target.receivePiece(photo.photo.id, photo.photo.size, index, piece);
    expect(await target.has(photo.photo.id)).toBe(true);
  });

  it('E_BLOB_PIECE: a piece out of order, of the wrong length, or of a blob of another size', async () => {
    const source = newStore();
    const photo = await putPhoto(source, 9, 200 * 1024);
    const [header, first] = await piecesOf(source, photo.photo.id);
    const target = newStore();
    const { id, size } = photo.photo;
    expect(await target.receivePiece(id, size, 1, first!)).toMatchObject({ ok: false, error: { code: 'E_BLOB_PIECE' } });
    expect(await target.receivePiece(id, size, 0, header!.subarray(1))).toMatchObject({ ok: false, error: { code: 'E_BLOB_PIECE' } });
    expect(await target.receivePiece(id, 10, 0, header!)).toMatchObject({ ok: false, error: { code: 'E_BLOB_PIECE' } });
    expect(await target.receivePiece(id, size, 0, header!)).toEqual({ ok: true, value: { complete: false } });
    expect(await target.receivePiece(id, size + 1, 1, first!)).toMatchObject({ ok: false, error: { code: 'E_BLOB_PIECE' } });
    expect(await target.incoming(id)).toEqual({ size, next: 1 });
  });
});
