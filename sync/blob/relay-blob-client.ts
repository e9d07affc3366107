import { isBlobSize, pieceAt, pieceCount, pieceLength, pieceOffset } from './blob-layout.ts';
import type { BlobStore } from './blob-store.ts';
import type { PieceBatch, PieceSource, Transfer } from './piece-source.ts';

/** Pieces per relay request: 16 x 64 KiB, about 1 MiB per part or range. */
export const RELAY_PIECES_PER_REQUEST = 16;

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * The relay's blob endpoint (`PUT|GET|HEAD <blobsUrl>/<roomId>/<hash>`) as a piece source
 * and an upload target. Downloads ask for whole pieces with `Range`; uploads send
 * `Content-Range` parts from where `HEAD` says the relay is, so both resume after a drop.
 * The relay only ever sees ciphertext and its hash.
 */
export class RelayBlobClient implements PieceSource {
  readonly key = 'relay';
  readonly #base: string;
  readonly #fetch: FetchLike;
  readonly #piecesPerRequest: number;

  readonly #capToken: () => string | undefined;

  /** `capToken`: the room's write token (sync/replication/relay-write.ts); without one the relay refuses uploads. */
  constructor(blobsUrl: string, roomId: string, fetchImpl: FetchLike, piecesPerRequest = RELAY_PIECES_PER_REQUEST, capToken: () => string | undefined = () => undefined) {
    this.#base = `${blobsUrl.replace(/\/+$/, '')}/${roomId}/`;
    this.#fetch = fetchImpl;
    this.#capToken = capToken;
    this.#piecesPerRequest = piecesPerRequest;
  }

  async pieces(id: string, first: number): Promise<PieceBatch> {
    const start = pieceOffset(first);
    const end = pieceOffset(first + this.#piecesPerRequest) - 1;
    let response: Response;
    let body: Uint8Array;
    try {
      response = await this.#fetch(this.#base + id, { headers: { Range: `bytes=${start}-${end}` } });
      body = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      return { kind: 'retry', reason: `relay unreachable: ${String(error)}` };
    }
    if (response.status === 404) return { kind: 'missing' };
    if (response.status === 416) return { kind: 'restart', reason: 'the relay holds a shorter blob than the transfer so far' };
    const size = response.status === 206 ? rangeTotal(response.headers.get('content-range'), start)
      : response.status === 200 && first === 0 ? body.length
      : undefined;
    if (size === undefined || !isBlobSize(size)) return { kind: 'retry', reason: `relay answered ${response.status} with an unusable range` };
    const pieces: Uint8Array[] = [];
    let offset = 0;
    for (let index = first; index < pieceCount(size) && offset < body.length; index++) {
      const length = pieceLength(size, index);
      if (offset + length > body.length) break;
      pieces.push(body.slice(offset, offset + length));
      offset += length;
    }
    if (pieces.length === 0 || offset !== body.length) return { kind: 'retry', reason: 'relay sent a range that does not end on a piece' };
    return { kind: 'pieces', size, pieces };
  }

  /** Whether the relay holds blob `id` whole (HEAD); undefined when it did not answer. */
  async has(id: string): Promise<boolean | undefined> {
    try {
      const head = await this.#fetch(this.#base + id, { method: 'HEAD' });
      return head.status === 200 ? true : head.status === 404 ? false : undefined;
    } catch {
      return undefined;
    }
  }

  /** Hands blob `id` to the relay, continuing any upload the relay already holds part of. */
  async upload(store: BlobStore, id: string): Promise<Transfer> {
    const stat = await store.stat(id);
    if (!stat) return { kind: 'missing' };
    let offset: number;
    try {
      const head = await this.#fetch(this.#base + id, { method: 'HEAD' });
      if (head.status === 200) return { kind: 'stored' };
      if (head.status !== 404) return { kind: 'retry', reason: `relay answered HEAD with ${head.status}` };
      offset = uploadOffset(head) ?? 0;
    } catch (error) {
      return { kind: 'retry', reason: `relay unreachable: ${String(error)}` };
    }
    while (offset < stat.size) {
      const part = await this.#part(store, id, offset);
      if (!part) return { kind: 'missing' };
      const end = offset + part.length - 1;
      let response: Response;
      try {
        response = await this.#fetch(this.#base + id, {
          method: 'PUT',
          headers: { 'Content-Range': `bytes ${offset}-${end}/${stat.size}`, 'Content-Type': 'application/octet-stream', ...capHeader(this.#capToken()) },
          body: part as Uint8Array<ArrayBuffer>,
        });
        await response.arrayBuffer();
      } catch (error) {
        return { kind: 'retry', reason: `relay unreachable: ${String(error)}` };
      }
      if (response.status === 200 || response.status === 201) return { kind: 'stored' };
      const next = uploadOffset(response);
      if ((response.status === 202 || response.status === 409) && next !== undefined && next <= stat.size) offset = next;
      else if (response.status === 422) return { kind: 'mismatch' };
      else if (response.status === 413 || response.status === 507) return { kind: 'refused', reason: `relay refused the blob (${response.status})` };
      else return { kind: 'retry', reason: `relay answered PUT with ${response.status}` };
    }
    return { kind: 'retry', reason: 'relay took every byte but did not confirm the blob' };
  }

  /** Up to a request's worth of ciphertext from byte `offset` (which may fall inside a piece). */
  async #part(store: BlobStore, id: string, offset: number): Promise<Uint8Array | undefined> {
    const first = pieceAt(offset);
    const pieces: Uint8Array[] = [];
    for (let index = first; index < first + this.#piecesPerRequest; index++) {
      const piece = await store.readPiece(id, index);
      if (!piece) break;
      pieces.push(piece);
    }
    if (pieces.length === 0) return undefined;
    const joined = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
    let at = 0;
    for (const piece of pieces) {
      joined.set(piece, at);
      at += piece.length;
    }
    return joined.subarray(offset - pieceOffset(first));
  }
}

function uploadOffset(response: Response): number | undefined {
  const value = Number(response.headers.get('upload-offset') ?? NaN);
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** The total of `Content-Range: bytes <start>-<end>/<total>`, if the range starts where asked. */
function rangeTotal(header: string | null, start: number): number | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header ?? '');
  if (!match || Number(match[1]) !== start) return undefined;
  return Number(match[3]);
}

function capHeader(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { 'Obscura-Cap': token };
}
