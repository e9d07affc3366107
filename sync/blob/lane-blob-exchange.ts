import type { BlobLane, LanePeer } from '../transport/blob-lane.ts';
import { decodeLaneMessage, encodeLaneMessage, MAX_PIECES_PER_GET, type LaneMessage } from './blob-lane-messages.ts';
import { pieceCount } from './blob-layout.ts';
import type { BlobStore } from './blob-store.ts';
import type { PieceBatch, PieceSource } from './piece-source.ts';

/** A peer that stops answering a GET for this long is given up on (for this attempt). */
export const LANE_REQUEST_TIMEOUT_MS = 15_000;

interface Pending {
  readonly peer: number;
  readonly first: number;
  readonly count: number;
  size?: number;
  readonly pieces: Uint8Array[];
  readonly done: (batch: PieceBatch) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * Both ends of blob transfer over the blob lane: serves GETs from the local store to any
 * peer, and asks peers for pieces. Every message is decoded and checked first; a peer
 * that sends garbage, or pieces nobody asked for, has its lane dropped with the code.
 */
export class LaneBlobExchange {
  readonly #lane: BlobLane;
  readonly #store: BlobStore;
  readonly #pending = new Map<number, Pending>();
  /** Requests given up on (timeout, peer left): their late answers are ignored, not punished. */
  readonly #abandoned = new Set<number>();
  readonly #unsubscribe: (() => void)[] = [];
  #nextRequest = 1;

  constructor(lane: BlobLane, store: BlobStore) {
    this.#lane = lane;
    this.#store = store;
    this.#unsubscribe.push(
      lane.onMessage((peer, bytes) => this.#receive(peer, bytes)),
      lane.onPeers(() => this.#forgetGone()),
    );
  }

  /** One source per connected peer, oldest connection first. */
  sources(): PieceSource[] {
    return this.#lane.peers().map((peer) => ({ key: `peer:${peer.id}`, pieces: (id, first) => this.#ask(peer, id, first) }));
  }

  destroy(): void {
    this.#unsubscribe.forEach((off) => off());
    for (const request of [...this.#pending.keys()]) this.#finish(request, { kind: 'retry', reason: 'closed' });
  }

  #ask(peer: LanePeer, id: string, first: number): Promise<PieceBatch> {
    const request = this.#nextRequest++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#finish(request, { kind: 'retry', reason: `peer ${peer.id} did not answer` }), LANE_REQUEST_TIMEOUT_MS);
      this.#pending.set(request, { peer: peer.id, first, count: MAX_PIECES_PER_GET, pieces: [], done: resolve, timer });
      if (!peer.send(encodeLaneMessage({ type: 'get', request, id, first, count: MAX_PIECES_PER_GET }))) {
        this.#finish(request, { kind: 'retry', reason: `peer ${peer.id} is gone` });
      }
    });
  }

  #finish(request: number, outcome: PieceBatch): void {
    const pending = this.#pending.get(request);
    if (!pending) return;
    // Pieces that did arrive before the peer left are kept, so the next source resumes after them.
    const batch: PieceBatch = outcome.kind === 'retry' && pending.size !== undefined && pending.pieces.length > 0
      ? { kind: 'pieces', size: pending.size, pieces: pending.pieces }
      : outcome;
    this.#pending.delete(request);
    clearTimeout(pending.timer);
    if (outcome.kind === 'retry') {
      this.#abandoned.add(request);
      if (this.#abandoned.size > 256) this.#abandoned.delete(this.#abandoned.values().next().value as number);
    }
    pending.done(batch);
  }

  #receive(peer: LanePeer, bytes: Uint8Array): void {
    const decoded = decodeLaneMessage(bytes);
    if (!decoded.ok) return this.#drop(peer, decoded.code, decoded.message);
    const message = decoded.message;
    if (message.type === 'get') return void this.#serve(peer, message);
    const pending = this.#pending.get(message.request);
    if (!pending && this.#abandoned.has(message.request)) return;
    if (!pending || pending.peer !== peer.id) return this.#drop(peer, 'E_LANE_UNEXPECTED', `an answer to request ${message.request}, which we did not send it`);
    if (message.type === 'missing') {
      if (pending.pieces.length > 0) return this.#drop(peer, 'E_LANE_UNEXPECTED', 'MISSING after pieces');
      return this.#finish(message.request, { kind: 'missing' });
    }
    const expected = pending.first + pending.pieces.length;
    if (message.index !== expected || (pending.size !== undefined && message.size !== pending.size)) {
      return this.#drop(peer, 'E_LANE_UNEXPECTED', `piece ${message.index} of ${message.size} bytes where piece ${expected} was due`);
    }
    pending.size = message.size;
    pending.pieces.push(message.bytes);
    const end = Math.min(pending.first + pending.count, pieceCount(message.size));
    if (message.index + 1 >= end) this.#finish(message.request, { kind: 'pieces', size: message.size, pieces: pending.pieces });
  }

  async #serve(peer: LanePeer, get: Extract<LaneMessage, { type: 'get' }>): Promise<void> {
    const stat = await this.#store.stat(get.id);
    if (!stat || get.first >= stat.pieces) return void peer.send(encodeLaneMessage({ type: 'missing', request: get.request }));
    const end = Math.min(get.first + get.count, stat.pieces);
    for (let index = get.first; index < end; index++) {
      const bytes = await this.#store.readPiece(get.id, index);
      // Removed while we were sending: the requester's hash check or timeout sorts it out.
      if (!bytes || !peer.send(encodeLaneMessage({ type: 'piece', request: get.request, index, size: stat.size, bytes }))) return;
    }
  }

  #drop(peer: LanePeer, code: string, message: string): void {
    peer.drop(code, message);
    this.#forgetGone();
  }

  /** Requests to peers that left (or were dropped) end now, to be retried elsewhere. */
  #forgetGone(): void {
    const live = new Set(this.#lane.peers().map((peer) => peer.id));
    for (const [request, pending] of this.#pending) {
      if (!live.has(pending.peer)) this.#finish(request, { kind: 'retry', reason: `peer ${pending.peer} left` });
    }
  }
}
