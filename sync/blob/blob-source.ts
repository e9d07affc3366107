/** What a photo can be read from, always in pieces, never as one big copy. */
export type BlobSource = Uint8Array | Blob | AsyncIterable<Uint8Array>;

const SLICE = 1 << 20;

export async function* readPieces(source: BlobSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    for (let offset = 0; offset < source.length; offset += SLICE) yield source.subarray(offset, offset + SLICE);
    return;
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    for (let offset = 0; offset < source.size; offset += SLICE) {
      yield new Uint8Array(await source.slice(offset, offset + SLICE).arrayBuffer());
    }
    return;
  }
  yield* source as AsyncIterable<Uint8Array>;
}

/**
 * Re-cuts pieces of any size into chunks of exactly `size` bytes (the last may be
 * shorter or empty) and says which chunk is last, holding at most one chunk back.
 */
export async function* fixedChunks(pieces: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<{ chunk: Uint8Array; last: boolean }> {
  let buffer = new Uint8Array(size);
  let filled = 0;
  let ready: Uint8Array | undefined;
  for await (const piece of pieces) {
    let offset = 0;
    while (offset < piece.length) {
      const take = Math.min(size - filled, piece.length - offset);
      buffer.set(piece.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === size) {
        if (ready) yield { chunk: ready, last: false };
        ready = buffer;
        buffer = new Uint8Array(size);
        filled = 0;
      }
    }
  }
  if (ready && filled === 0) {
    yield { chunk: ready, last: true };
    return;
  }
  if (ready) yield { chunk: ready, last: false };
  yield { chunk: buffer.subarray(0, filled), last: true };
}
