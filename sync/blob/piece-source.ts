import type { BlobStore } from './blob-store.ts';

/** How one attempt to move a blob ended. */
export type Transfer =
  | { readonly kind: 'stored' }
  /** This source does not have it. */
  | { readonly kind: 'missing' }
  /** The bytes did not hash to the id: nothing was kept, and this source is not asked again. */
  | { readonly kind: 'mismatch' }
  /** A dropped connection or an unreachable source: try again later, from where it stopped. */
  | { readonly kind: 'retry'; readonly reason: string }
  /** The source will never take it (too large, quota). */
  | { readonly kind: 'refused'; readonly reason: string };

export type PieceBatch =
  | { readonly kind: 'pieces'; readonly size: number; readonly pieces: readonly Uint8Array[] }
  | { readonly kind: 'missing' }
  | { readonly kind: 'retry'; readonly reason: string }
  /** What the source has does not line up with the pieces stored so far: start again from 0. */
  | { readonly kind: 'restart'; readonly reason: string };

/** Somewhere a blob's pieces can come from: a peer over the blob lane, or the relay. */
export interface PieceSource {
  /** Stable while the source lives, so a source that failed a blob is not asked again. */
  readonly key: string;
  /** Pieces `first`, `first + 1`, ... (at least one, in order) of blob `id`. */
  pieces(id: string, first: number): Promise<PieceBatch>;
  /** True once this source missed a deadline: it is asked after the others. */
  readonly slow?: () => boolean;
}

/**
 * Moves blob `id` from `source` into `store`, piece by piece from where an earlier
 * transfer stopped; the store verifies the hash after the last piece.
 */
export async function downloadBlob(store: BlobStore, id: string, source: PieceSource, isClosed: () => boolean): Promise<Transfer> {
  for (let restarts = 0; !isClosed(); ) {
    if (await store.has(id)) return { kind: 'stored' };
    const progress = await store.incoming(id);
    const batch = await source.pieces(id, progress?.next ?? 0);
    if (batch.kind === 'missing' || batch.kind === 'retry') return batch;
    if (batch.kind === 'restart' || (progress && batch.size !== progress.size)) {
      // Another source began this blob with a different size: one of them lies; the hash decides.
      await store.abandonIncoming(id);
      if (++restarts > 1) return { kind: 'retry', reason: batch.kind === 'restart' ? batch.reason : 'sources disagree on the size' };
      continue;
    }
    let index = progress?.next ?? 0;
    for (const piece of batch.pieces) {
      const stored = await store.receivePiece(id, batch.size, index++, piece);
      if (!stored.ok && stored.error.code === 'E_HASH_MISMATCH') return { kind: 'mismatch' };
      if (!stored.ok) return { kind: 'retry', reason: stored.error.message };
      if (stored.value.complete) return { kind: 'stored' };
    }
  }
  return { kind: 'retry', reason: 'closed' };
}
