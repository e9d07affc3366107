import { beforeAll, describe, expect, it } from 'vitest';
import { paddedBlobBytes, randomPhotoKey, sodiumReady, type PhotoKey } from '../../../crypto/index.ts';
import { BlobStore } from '../../../sync/blob/blob-store.ts';
import { photoBlobAd } from '../../../sync/blob/photo-blob-ad.ts';
import { MemoryStorageAdapter } from '../../../sync/storage/memory-storage-adapter.ts';
import type { StorageKey } from '../../../sync/storage/storage-adapter.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';
import { extensions, TamperTally } from '../../helpers/tamper-cases.ts';

/**
 * Stored photo blobs tampered with record by record (what a damaged disk, a hostile
 * relay or peer that supplied the pieces, or a swapped record can do): flipped bytes in
 * the header and every chunk, truncated and extended chunks, chunks reordered, dropped or
 * duplicated, a chunk from another blob, and a blob read as another note's photo, another
 * notebook's, as a thumbnail, or under another key. BlobStore.read must refuse every one
 * with a code, and other blobs stay readable. Format: crypto/FORMATS.md "Blob v2" (what BlobStore
 * writes; its framing is "Blob v1"'s).
 */
beforeAll(sodiumReady);

const NB = 'nb-tamper';
const PLAIN = 150_000; // three chunks: 64 KiB, 64 KiB, the rest with the padding (FINAL)

function photo(random: () => number, length = PLAIN): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

async function chunkRecords(storage: MemoryStorageAdapter): Promise<Map<string, { key: StorageKey; data: Uint8Array }[]>> {
  const byUpload = new Map<string, { key: StorageKey; data: Uint8Array }[]>();
  for (const chunk of await storage.loadRange(['blob-chunk'])) {
    const upload = chunk.key[1] as string;
    byUpload.set(upload, [...(byUpload.get(upload) ?? []), chunk]);
  }
  return byUpload;
}

const BLOB_CODES = new Set(['E_DECRYPT', 'E_FORMAT', 'E_TRUNCATED', 'E_VERSION', 'E_HASH_MISMATCH']);

describe('tamper: stored blobs', () => {
  it('every tampered record or swapped place is refused with a code; the other photo still opens', async () => {
    const seed = testSeed();
    console.log(`tamper-blob seed=${seed} (replay with OBSCURA_SEED=${seed})`);
    const random = seededRandom(seed);
    const storage = new MemoryStorageAdapter();
    const store = new BlobStore(storage);
    const key: PhotoKey = randomPhotoKey();
    const ad = photoBlobAd(NB, 'note-1', 'photo');
    const plain = photo(random);
    const target = await store.put(key, ad, plain);
    const bystanderAd = photoBlobAd(NB, 'note-2', 'photo');
    const bystanderPlain = photo(random, 70_000);
    const bystander = await store.put(key, bystanderAd, bystanderPlain);
    const uploads = await chunkRecords(storage);
    const find = (chunks: number) => [...uploads.values()].find((records) => records.length === chunks + 1) as { key: StorageKey; data: Uint8Array }[];
    const records = find(target.chunks);
    const other = find(bystander.chunks);
    expect(records.map((r) => r.data.length)).toEqual([25, 65_553, 65_553, paddedBlobBytes(PLAIN) - 25 - 2 * 65_553]);
    const tally = new TamperTally('tamper-blob');

    const read = async (readKey = key, readAd = ad): Promise<string> => {
      const result = await store.readAll(target.id, readKey, readAd);
      if (!result.ok) return result.error.code;
      expect(result.value).toEqual(plain);
      return 'ok';
    };
    /** Replaces records (undefined removes one), reads, puts the originals back. */
    const withRecords = async (changes: [number, Uint8Array | undefined][]): Promise<string> => {
      for (const [i, data] of changes) {
        const record = records[i] as { key: StorageKey; data: Uint8Array };
        if (data) await storage.save(record.key, data);
        else await storage.remove(record.key);
      }
      const code = await read();
      for (const [i] of changes) await storage.save((records[i] as { key: StorageKey }).key, (records[i] as { data: Uint8Array }).data);
      return code;
    };
    expect(await read()).toBe('ok');

    // Flips: every header byte, the first and last 48 bytes of every chunk, 40 more inside each.
    for (const [i, record] of records.entries()) {
      const n = record.data.length;
      const offsets = new Set<number>();
      for (let at = 0; at < Math.min(48, n); at++) offsets.add(at);
      for (let at = Math.max(0, n - 48); at < n; at++) offsets.add(at);
      for (let k = 0; k < 40 && i > 0; k++) offsets.add(Math.floor(random() * n));
      for (const at of offsets) {
        const data = record.data.slice();
        data[at] = (data[at] as number) ^ (1 + Math.floor(random() * 255));
        // A version byte flipped to 1 (still read) opens as a v1 blob, which the AEAD refuses (it binds the version).
        const expected = i === 0 && at === 0 && data[0] !== 1 ? 'E_VERSION' : 'E_DECRYPT';
        tally.record(`record ${i} flip@${at}`, await withRecords([[i, data]]), expected);
      }
    }

    // Truncations and extensions of every record.
    for (const [i, record] of records.entries()) {
      const n = record.data.length;
      const lengths = new Set([0, 1, 16, 17, 24, n - 1, ...Array.from({ length: 6 }, () => Math.floor(random() * n))]);
      for (const length of [...lengths].filter((l) => l >= 0 && l < n)) {
        const short = record.data.slice(0, length);
        const expected = i === 0 ? (length === 0 ? 'E_TRUNCATED' : (c: string) => c === 'E_TRUNCATED')
          : length < 17 ? 'E_TRUNCATED' : 'E_DECRYPT';
        tally.record(`record ${i} truncate@${length}`, await withRecords([[i, short]]), expected);
      }
      for (const c of extensions(record.data, random)) {
        tally.record(`record ${i} ${c.name}`, await withRecords([[i, c.bytes]]), (code) => BLOB_CODES.has(code));
      }
    }

    // Chunks reordered, dropped, duplicated, or taken from another blob.
    const [header, c1, c2, c3] = records.map((r) => r.data) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    const structural: [string, [number, Uint8Array | undefined][], string | ((code: string) => boolean)][] = [
      ['chunks 1 and 2 swapped', [[1, c2], [2, c1]], 'E_DECRYPT'],
      ['chunk 2 dropped', [[2, undefined]], 'E_TRUNCATED'],
      ['final chunk dropped', [[3, undefined]], 'E_TRUNCATED'],
      ['header dropped', [[0, undefined]], 'E_TRUNCATED'],
      ['chunk 1 duplicated over chunk 2', [[2, c1]], 'E_DECRYPT'],
      ['final chunk moved up (1 <- 3)', [[1, c3]], 'E_DECRYPT'],
      ['header of another blob', [[0, other[0]?.data as Uint8Array]], 'E_DECRYPT'],
      ['first chunk of another blob', [[1, other[1]?.data as Uint8Array]], 'E_DECRYPT'],
      ['final chunk of another blob', [[3, other.at(-1)?.data as Uint8Array]], 'E_DECRYPT'],
      ['header repeated as chunk 1', [[1, header]], (code) => BLOB_CODES.has(code)],
    ];
    for (const [name, changes, expected] of structural) tally.record(name, await withRecords(changes), expected);

    // The whole blob read where it does not belong.
    const places: [string, PhotoKey, Uint8Array][] = [
      ['as another note\'s photo', key, photoBlobAd(NB, 'note-2', 'photo')],
      ['as its own thumbnail', key, photoBlobAd(NB, 'note-1', 'thumb')],
      ['as the same note in another notebook', key, photoBlobAd('nb-other', 'note-1', 'photo')],
      ['under another photo key', randomPhotoKey(), ad],
    ];
    for (const [name, readKey, readAd] of places) tally.record(`read ${name}`, await read(readKey, readAd), 'E_DECRYPT');

    console.log(tally.summary());
    expect(tally.acceptedWrongly, tally.wrong.join('\n')).toBe(0);
    expect(tally.mismatched).toEqual([]);
    expect(await read()).toBe('ok');
    const again = await store.readAll(bystander.id, key, bystanderAd);
    expect(again.ok && again.value).toEqual(bystanderPlain);
  });

  it('pieces received from a peer or the relay: flipped, reordered, dropped, duplicated, resized or foreign pieces are refused and nothing readable is kept', async () => {
    const seed = testSeed();
    console.log(`tamper-blob received seed=${seed} (replay with OBSCURA_SEED=${seed})`);
    const random = seededRandom(seed);
    const source = new BlobStore(new MemoryStorageAdapter());
    const key = randomPhotoKey();
    const ad = photoBlobAd(NB, 'note-1', 'photo');
    const plain = photo(random);
    const blob = await source.put(key, ad, plain);
    const other = await source.put(key, photoBlobAd(NB, 'note-2', 'photo'), photo(random));
    const piecesOf = async (id: string, n: number) => Promise.all(Array.from({ length: n }, async (_, i) => (await source.readPiece(id, i)) as Uint8Array));
    const pieces = await piecesOf(blob.id, blob.chunks + 1);
    const foreign = await piecesOf(other.id, other.chunks + 1);
    const tally = new TamperTally('tamper-blob-received');

    /** Delivers [index, bytes] in order to a fresh store; the first refusal's code, or 'ok' if the blob became readable. */
    const deliver = async (sequence: [number, Uint8Array][], size = blob.size): Promise<string> => {
      const store = new BlobStore(new MemoryStorageAdapter());
      for (const [index, piece] of sequence) {
        const result = await store.receivePiece(blob.id, size, index, piece);
        if (!result.ok) {
          if (await store.has(blob.id)) return 'BUG: refused but readable';
          return result.error.code;
        }
      }
      if (!(await store.has(blob.id))) return 'incomplete';
      const read = await store.readAll(blob.id, key, ad);
      return read.ok ? 'ok' : read.error.code;
    };
    const honest = pieces.map((p, i): [number, Uint8Array] => [i, p]);
    expect(await deliver(honest)).toBe('ok');
    const replace = (i: number, bytes: Uint8Array) => honest.map(([j, p]): [number, Uint8Array] => [j, j === i ? bytes : p]);

    for (const [i, piece] of pieces.entries()) {
      const offsets = new Set([0, piece.length - 1, ...Array.from({ length: 8 }, () => Math.floor(random() * piece.length))]);
      for (const at of offsets) {
        const flipped = piece.slice();
        flipped[at] = (flipped[at] as number) ^ (1 + Math.floor(random() * 255));
        tally.record(`piece ${i} flip@${at}`, await deliver(replace(i, flipped)), 'E_HASH_MISMATCH');
      }
      tally.record(`piece ${i} cut by one`, await deliver(replace(i, piece.slice(0, -1))), 'E_BLOB_PIECE');
      tally.record(`piece ${i} one byte longer`, await deliver(replace(i, new Uint8Array([...piece, 0]))), 'E_BLOB_PIECE');
      tally.record(`piece ${i} from another blob`, await deliver(replace(i, foreign[i] as Uint8Array)), (c) => c === 'E_HASH_MISMATCH' || c === 'E_BLOB_PIECE');
    }
    const [p0, p1, p2, p3] = pieces as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    const structural: [string, [number, Uint8Array][], string, number?][] = [
      ['pieces 1 and 2 swapped', [[0, p0], [1, p2], [2, p1], [3, p3]], 'E_HASH_MISMATCH'],
      ['piece 1 sent twice', [[0, p0], [1, p1], [1, p1]], 'E_BLOB_PIECE'],
      ['piece 1 in place of piece 2', [[0, p0], [1, p1], [2, p1], [3, p3]], 'E_HASH_MISMATCH'],
      ['piece 2 dropped', [[0, p0], [1, p1], [3, p3]], 'E_BLOB_PIECE'],
      ['last piece first', [[3, p3]], 'E_BLOB_PIECE'],
      ['announced one byte larger', honest, 'E_BLOB_PIECE', blob.size + 1],
      ['announced past the blob limit', honest, 'E_BLOB_PIECE', 2 ** 40],
    ];
    for (const [name, sequence, code, size] of structural) tally.record(name, await deliver(sequence, size), code);

    console.log(tally.summary());
    expect(tally.acceptedWrongly, tally.wrong.join('\n')).toBe(0);
    expect(tally.mismatched).toEqual([]);
  });
});
