/** A stream whose length is known before it is read (a padded blob states its length up front). */
export interface SizedStream {
  readonly size: number;
  readonly pieces: AsyncIterable<Uint8Array>;
}

/** What a photo can be read from, always in pieces, never as one big copy. */
export type BlobSource = Uint8Array | Blob | SizedStream;

/** Bytes `source` will yield. */
export function sourceSize(source: BlobSource): number {
  if (source instanceof Uint8Array) return source.length;
  if (typeof Blob !== 'undefined' && source instanceof Blob) return source.size;
  return (source as SizedStream).size;
}

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
  yield* (source as SizedStream).pieces;
}
