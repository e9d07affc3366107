import type { BlobResult, BlobStore } from './blob-store.ts';
import { downloadBlob, type PieceSource } from './piece-source.ts';

const MAX_RETRY_MS = 15_000;

export interface FetchBlobOptions {
  /** Every source now (peers as the blob lane lists them, and the relay), read at every pick. */
  readonly sources: () => PieceSource[];
  /** The relay among them, if there is one. */
  readonly relay?: PieceSource;
  readonly isClosed: () => boolean;
  /** Waits, or less if a new source appears. */
  readonly sleep: (ms: number) => Promise<void>;
  /** First wait before sources that dropped are tried again (doubles up to 15 s). */
  readonly retryMs: number;
}

/**
 * Brings blob `id` into the store from whichever source has it, resuming where an earlier
 * transfer stopped; resolves with the source that completed it.
 * Order: peers that kept their deadlines, then the relay, then slow peers; once a peer
 * stayed silent in a round, the relay goes next. So a silent peer costs a download one
 * first-byte timeout (LANE_FIRST_BYTE_MS), and only until it is known to be slow.
 * Dropped connections are retried with backoff; with no source left: E_BLOB_UNAVAILABLE
 * (E_HASH_MISMATCH if some sent bytes that do not hash to the id).
 * Note: the address is the hash of the whole ciphertext, so a wrong piece shows only when
 * the last one is in, and a download resumed from another source holds pieces of both: a
 * peer that sent garbage and went quiet got the honest source that finished blamed. So a
 * source is blamed (not asked again) only for a download it made alone from piece 0; after
 * a mismatch of mixed (or inherited) pieces, nobody is, and from then on each attempt
 * takes the blob from one source only, starting over when the source changes.
 */
export async function fetchBlob(store: BlobStore, id: string, options: FetchBlobOptions): Promise<BlobResult<PieceSource>> {
  const refused = new Set<string>();
  let mismatched = false;
  /** Sources whose pieces are stored for this blob now; pieces from before this call count as unknown. */
  const contributors = new Set<string>();
  let inherited = (await store.incoming(id)) !== undefined;
  let oneSource = false;
  for (let delay = options.retryMs; !options.isClosed(); delay = Math.min(delay * 2, MAX_RETRY_MS)) {
    const tried = new Set<string>();
    let dropped = false;
    let silence = false;
    const next = (): PieceSource | undefined => {
      const left = options.sources().filter((source) => !refused.has(source.key) && !tried.has(source.key));
      const relay = left.find((source) => source === options.relay);
      if (silence && relay) return relay;
      return left.find((source) => source !== relay && !source.slow?.()) ?? relay ?? left[0];
    };
    for (let source = next(); source && !options.isClosed(); source = next()) {
      tried.add(source.key);
      if (oneSource && [...contributors].some((key) => key !== source.key)) {
        await store.abandonIncoming(id);
        contributors.clear();
      }
      const before = (await store.incoming(id))?.next ?? 0;
      const result = await downloadBlob(store, id, source, options.isClosed);
      if (result.kind === 'stored') return { ok: true, value: source };
      if (result.kind === 'mismatch') {
        // receivePiece has deleted every piece already.
        const alone = !inherited && [...contributors].every((key) => key === source.key);
        if (alone) {
          refused.add(source.key);
          mismatched = true;
        } else {
          // Nobody to blame: another round, one source per attempt, the honest one included.
          dropped = true;
        }
        oneSource = true;
        contributors.clear();
        inherited = false;
        continue;
      }
      if (((await store.incoming(id))?.next ?? 0) > before) contributors.add(source.key);
      if (result.kind === 'retry') {
        dropped = true;
        silence ||= source.slow?.() ?? false;
      } else {
        refused.add(source.key);
      }
    }
    if (options.isClosed()) break;
    if (!dropped) {
      return mismatched
        ? { ok: false, error: { code: 'E_HASH_MISMATCH', message: `every source that had blob ${id} sent bytes that do not hash to it` } }
        : { ok: false, error: { code: 'E_BLOB_UNAVAILABLE', message: `no online device and not the relay has blob ${id}` } };
    }
    await options.sleep(delay);
  }
  return { ok: false, error: { code: 'E_BLOB_SYNC_CLOSED', message: 'blob sync was closed' } };
}
