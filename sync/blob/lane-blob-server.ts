import type { LanePeer } from '../transport/blob-lane.ts';
import { encodeLaneMessage, type LaneMessage } from './blob-lane-messages.ts';
import type { BlobStore } from './blob-store.ts';

/**
 * GETs a peer may have unanswered at once. The server drops the lane of a peer that sends
 * one more (E_LANE_FLOOD); the asking side (lane-blob-exchange.ts) never has more with one
 * peer, the ones it gave up on included, since their answers may still be on the way.
 */
export const MAX_OUTSTANDING_GETS = 2;

type Get = Extract<LaneMessage, { type: 'get' }>;

/**
 * The serving half of the blob lane: answers peers' GETs from the local store.
 * Note: a GET is 43 bytes and asks for up to 1 MiB. Answered as they came, a burst of them
 * queued one answer each (100 GETs: 80 MiB). So each peer's GETs are answered one at a
 * time, at most MAX_OUTSTANDING_GETS accepted, and each piece is read from the store and
 * queued only once the channel to that peer has drained (LanePeer.drained): what the victim
 * holds for a peer is about two pieces, however much it asks and however slowly it reads.
 */
export class LaneBlobServer {
  readonly #store: BlobStore;
  readonly #roomId: string;
  /** Per peer id: its accepted GETs, the first being answered. */
  readonly #serving = new Map<number, Get[]>();

  /** `roomId`: the room whose lane this serves; only its blobs are answered (BlobStore.servesRoom). */
  constructor(store: BlobStore, roomId: string) {
    this.#store = store;
    this.#roomId = roomId;
  }

  /** Takes a GET from `peer`; false if the peer asked for more than it may (drop its lane). */
  accept(peer: LanePeer, get: Get): boolean {
    const queue = this.#serving.get(peer.id) ?? [];
    if (queue.length >= MAX_OUTSTANDING_GETS) return false;
    queue.push(get);
    if (queue.length === 1) {
      this.#serving.set(peer.id, queue);
      void this.#serveAll(peer, queue);
    }
    return true;
  }

  /** Stops answering peers that are not in `live` (gone or dropped). */
  forget(live: ReadonlySet<number>): void {
    for (const id of [...this.#serving.keys()]) if (!live.has(id)) this.#serving.delete(id);
  }

  destroy(): void {
    this.#serving.clear();
  }

  async #serveAll(peer: LanePeer, queue: Get[]): Promise<void> {
    try {
      while (queue.length > 0 && this.#serving.get(peer.id) === queue) {
        try {
          await this.#serve(peer, queue[0]!);
        } catch (error) {
          // A store that failed to read: the asker's timeout sends it elsewhere.
          console.warn(`blob lane: could not answer peer ${peer.id}: ${String(error)}`);
        }
        queue.shift();
      }
    } finally {
      if (this.#serving.get(peer.id) === queue) this.#serving.delete(peer.id);
    }
  }

  async #serve(peer: LanePeer, get: Get): Promise<void> {
    // Another notebook's blob is answered as one we do not have: nothing tells the two apart.
    const stat = (await this.#store.servesRoom(this.#roomId, get.id)) ? await this.#store.stat(get.id) : undefined;
    if (!stat || get.first >= stat.pieces) return void peer.send(encodeLaneMessage({ type: 'missing', request: get.request }));
    const end = Math.min(get.first + get.count, stat.pieces);
    for (let index = get.first; index < end; index++) {
      if (!(await peer.drained())) return;
      const bytes = await this.#store.readPiece(get.id, index);
      // Removed while we were sending: the requester's hash check or timeout sorts it out.
      if (!bytes || !peer.send(encodeLaneMessage({ type: 'piece', request: get.request, index, size: stat.size, bytes }))) return;
    }
  }
}
