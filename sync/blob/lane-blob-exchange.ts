import type { BlobLane, LanePeer } from '../transport/blob-lane.ts';
import type { LaneErrorCode } from './blob-lane-messages.ts';
import { decodeLaneMessage, encodeLaneMessage, MAX_PIECES_PER_GET } from './blob-lane-messages.ts';
import { pieceCount } from './blob-layout.ts';
import { LaneBlobServer, MAX_OUTSTANDING_GETS } from './lane-blob-server.ts';
import type { BlobStore } from './blob-store.ts';
import type { PieceBatch, PieceSource } from './piece-source.ts';

/**
 * A peer that sends nothing of its answer for this long is given up on for this attempt
 * and asked after the others from then on (a silent peer cost 15 s per photo before).
 * Note: a busy honest peer answers a GET as soon as what it already queued to us has left,
 * which on a working connection takes well under a second.
 */
export const LANE_FIRST_BYTE_MS = 3_000;
/** A peer that has not finished answering a GET this long after it was sent is given up on too. */
export const LANE_REQUEST_TIMEOUT_MS = 15_000;

interface Pending {
  readonly peer: number;
  readonly first: number;
  readonly count: number;
  readonly sentAt: number;
  size?: number;
  /** Answer messages so far (pieces of a request given up on are counted, not kept). */
  received: number;
  readonly pieces: Uint8Array[];
  /** Null once given up on: the answer keeps its slot with the peer until it ends. */
  done: ((batch: PieceBatch) => void) | null;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Both ends of blob transfer over the blob lane: serves GETs from the local store
 * (lane-blob-server.ts), and asks peers for pieces. Every message is decoded and checked
 * first; a peer that sends garbage, pieces nobody asked for, or more GETs than it may, has
 * its lane dropped with the code.
 */
export class LaneBlobExchange {
  readonly #lane: BlobLane;
  readonly #server: LaneBlobServer;
  readonly #pending = new Map<number, Pending>();
  /** Peers that missed a deadline on this connection: asked after every other source. */
  readonly #slow = new Set<number>();
  readonly #unsubscribe: (() => void)[] = [];
  readonly #sourcesChanged: () => void;
  #nextRequest = 1;

  /**
   * `roomId`: the lane's room, whose blobs alone are served. `sourcesChanged`: a peer's slot
   * came free (its late answer ended), so it is a source again.
   */
  constructor(lane: BlobLane, store: BlobStore, roomId: string, sourcesChanged: () => void = () => {}) {
    this.#lane = lane;
    this.#sourcesChanged = sourcesChanged;
    this.#server = new LaneBlobServer(store, roomId);
    this.#unsubscribe.push(
      lane.onMessage((peer, bytes) => this.#receive(peer, bytes)),
      lane.onPeers(() => this.#forgetGone()),
    );
  }

  /**
   * One source per connected peer that can take a GET now (a peer whose slots are held by
   * answers it never finished is none): those that kept their deadlines first, oldest
   * connection first, then the slow ones.
   */
  sources(): PieceSource[] {
    const free = this.#lane.peers().filter((peer) => this.#open(peer.id) < MAX_OUTSTANDING_GETS);
    return [...free.filter((peer) => !this.#slow.has(peer.id)), ...free.filter((peer) => this.#slow.has(peer.id))].map((peer) => ({
      key: `peer:${peer.id}`,
      pieces: (id, first) => this.#ask(peer, id, first),
      slow: () => this.#slow.has(peer.id),
    }));
  }

  destroy(): void {
    this.#unsubscribe.forEach((off) => off());
    this.#server.destroy();
    for (const request of [...this.#pending.keys()]) this.#end(request, { kind: 'retry', reason: 'closed' });
  }

  #open(peer: number): number {
    let open = 0;
    for (const pending of this.#pending.values()) if (pending.peer === peer) open++;
    return open;
  }

  #ask(peer: LanePeer, id: string, first: number): Promise<PieceBatch> {
    const busy = this.#open(peer.id);
    if (busy >= MAX_OUTSTANDING_GETS) return Promise.resolve({ kind: 'retry', reason: `peer ${peer.id} has ${busy} requests unanswered` });
    const request = this.#nextRequest++;
    return new Promise((resolve) => {
      const pending: Pending = { peer: peer.id, first, count: MAX_PIECES_PER_GET, sentAt: performance.now(), received: 0, pieces: [], done: resolve, timer: undefined };
      pending.timer = setTimeout(() => this.#giveUp(pending, `peer ${peer.id} sent nothing for ${LANE_FIRST_BYTE_MS} ms`), LANE_FIRST_BYTE_MS);
      this.#pending.set(request, pending);
      if (!peer.send(encodeLaneMessage({ type: 'get', request, id, first, count: MAX_PIECES_PER_GET }))) {
        this.#end(request, { kind: 'retry', reason: `peer ${peer.id} is gone` });
      }
    });
  }

  /**
   * The caller moves on with what arrived; the request stays pending (its slot taken) until
   * its answer ends or the peer leaves, so we never have more GETs open with a peer than it
   * accepts (MAX_OUTSTANDING_GETS).
   */
  #giveUp(pending: Pending, reason: string): void {
    const done = pending.done;
    if (!done) return;
    pending.done = null;
    clearTimeout(pending.timer);
    this.#slow.add(pending.peer);
    done(keptPieces(pending) ?? { kind: 'retry', reason });
    pending.pieces.length = 0;
  }

  /** The answer ended (all pieces, MISSING) or the peer left: the slot is free again. */
  #end(request: number, outcome: PieceBatch): void {
    const pending = this.#pending.get(request);
    if (!pending) return;
    this.#pending.delete(request);
    clearTimeout(pending.timer);
    // Pieces that did arrive before the peer left are kept, so the next source resumes after them.
    pending.done?.(outcome.kind === 'retry' ? (keptPieces(pending) ?? outcome) : outcome);
    // A late answer ended: the peer can take a GET again.
    if (!pending.done && outcome.kind !== 'retry') this.#sourcesChanged();
  }

  #receive(peer: LanePeer, bytes: Uint8Array): void {
    const decoded = decodeLaneMessage(bytes);
    if (!decoded.ok) return this.#drop(peer, decoded.code, decoded.message);
    const message = decoded.message;
    if (message.type === 'get') {
      if (!this.#server.accept(peer, message)) this.#drop(peer, 'E_LANE_FLOOD', `a GET while ${MAX_OUTSTANDING_GETS} of its GETs are unanswered`);
      return;
    }
    const pending = this.#pending.get(message.request);
    if (!pending || pending.peer !== peer.id) return this.#drop(peer, 'E_LANE_UNEXPECTED', `an answer to request ${message.request}, which we did not send it`);
    if (message.type === 'missing') {
      if (pending.received > 0) return this.#drop(peer, 'E_LANE_UNEXPECTED', 'MISSING after pieces');
      return this.#end(message.request, { kind: 'missing' });
    }
    const expected = pending.first + pending.received;
    if (message.index !== expected || (pending.size !== undefined && message.size !== pending.size)) {
      return this.#drop(peer, 'E_LANE_UNEXPECTED', `piece ${message.index} of ${message.size} bytes where piece ${expected} was due`);
    }
    if (pending.received === 0 && pending.done) {
      // It answered in time: what is left of the request gets the rest of the overall deadline.
      clearTimeout(pending.timer);
      pending.timer = setTimeout(() => this.#giveUp(pending, `peer ${peer.id} did not finish within ${LANE_REQUEST_TIMEOUT_MS} ms`), LANE_REQUEST_TIMEOUT_MS - (performance.now() - pending.sentAt));
    }
    pending.size = message.size;
    pending.received++;
    if (pending.done) pending.pieces.push(message.bytes);
    const end = Math.min(pending.first + pending.count, pieceCount(message.size));
    if (message.index + 1 >= end) this.#end(message.request, { kind: 'pieces', size: message.size, pieces: pending.pieces });
  }

  #drop(peer: LanePeer, code: LaneErrorCode, message: string): void {
    peer.drop(code, message);
    this.#forgetGone();
  }

  /** Requests to peers that left (or were dropped) end now, to be retried elsewhere. */
  #forgetGone(): void {
    const live = new Set(this.#lane.peers().map((peer) => peer.id));
    this.#server.forget(live);
    for (const id of this.#slow) if (!live.has(id)) this.#slow.delete(id);
    for (const [request, pending] of this.#pending) {
      if (!live.has(pending.peer)) this.#end(request, { kind: 'retry', reason: `peer ${pending.peer} left` });
    }
  }
}

function keptPieces(pending: Pending): PieceBatch | undefined {
  return pending.size !== undefined && pending.pieces.length > 0 ? { kind: 'pieces', size: pending.size, pieces: [...pending.pieces] } : undefined;
}
