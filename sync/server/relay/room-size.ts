import * as Y from 'yjs';
import { boxUpdateProblem } from '../../sealed/box-schema.ts';
import { CLOSE_BAD_FRAME, CLOSE_QUOTA } from './relay-limits.ts';
import { roomMemory, structCount } from './room-memory.ts';

export type FrameVerdict = { readonly ok: true } | { readonly ok: false; readonly code: number; readonly reason: string };
export const OK: FrameVerdict = { ok: true };
export const bad = (reason: string): FrameVerdict => ({ ok: false, code: CLOSE_BAD_FRAME, reason });
export const quota = (reason: string): FrameVerdict => ({ ok: false, code: CLOSE_QUOTA, reason });

/** What one update adds to a room: the bytes it lacked and its new structs. */
export interface Added {
  readonly bytes: number;
  readonly structs: number;
}

export interface RoomSizeLimits {
  readonly maxDocBytes: number;
  readonly maxDocStructs: number;
  readonly checkBoxSchema: boolean;
}

/**
 * The size of one loaded room's doc and the checks an update passes before it may touch
 * the doc, the same for both relay engines (relay-room.ts, sync/server/hocus/). Note:
 * `Y.applyUpdate` integrates structs before it reads the delete set, so a frame that is
 * garbage at its end would be half-applied; `Y.decodeUpdate` reads all of it first.
 */
export class RoomSize {
  readonly #doc: Y.Doc;
  readonly #limits: RoomSizeLimits;
  #bytes: number;
  /** #bytes when it was last set from the doc itself (see #remeasure). */
  #measuredBytes: number;
  #structs: number;

  /** Measures `doc` as loaded; call before any client's update is applied. */
  constructor(doc: Y.Doc, limits: RoomSizeLimits) {
    this.#doc = doc;
    this.#limits = limits;
    this.#bytes = Y.encodeStateAsUpdate(doc).byteLength;
    this.#measuredBytes = this.#bytes;
    this.#structs = structCount(doc);
  }

  /** Upper bound of the stored state: the size at load plus every update since. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Estimated memory the room holds (room-memory.ts). */
  get memoryBytes(): number {
    return roomMemory(this.#bytes, this.#structs);
  }

  /**
   * Whether `update` may be applied: it decodes whole, is box-shaped (sync/sealed/box-schema.ts)
   * and fits the room's quotas; `admit` adds the relay-wide checks. `nothing` when it adds
   * nothing the room lacks (a new reader's empty sync step 2): nothing to store or claim.
   */
  check(update: Uint8Array, admit: (added: Added) => FrameVerdict): FrameVerdict | 'nothing' {
    let decoded: ReturnType<typeof Y.decodeUpdate>;
    try {
      decoded = Y.decodeUpdate(update);
    } catch (error) {
      return bad(`malformed update: ${String(error).slice(0, 80)}`);
    }
    const { structs, ds } = decoded;
    const doc = this.#doc;
    const notABox = this.#limits.checkBoxSchema ? boxUpdateProblem(doc, structs) : undefined;
    if (notABox) return bad(notABox);
    // Only what the room lacks counts: a client's sync step 2 often repeats what it has.
    const fresh = structs.filter((struct) => !(struct instanceof Y.Skip) && struct.id.clock + struct.length > Y.getState(doc.store, struct.id.client));
    if (fresh.length === 0 && ds.clients.size === 0) return 'nothing';
    const added = { bytes: fresh.length === 0 ? 0 : Y.diffUpdate(update, Y.encodeStateVector(doc)).byteLength, structs: fresh.length };
    const { maxDocBytes, maxDocStructs } = this.#limits;
    if (this.#structs + added.structs > maxDocStructs) return quota(`room would hold more than ${maxDocStructs} values`);
    if (this.#bytes + added.bytes > maxDocBytes) this.#remeasure();
    if (this.#bytes + added.bytes > maxDocBytes) return quota('room is over its quota');
    return admit(added);
  }

  /** Counts an update the doc took (its 'update' event). */
  applied(update: Uint8Array): void {
    this.#bytes += update.byteLength;
    this.#structs = structCount(this.#doc);
  }

  /**
   * #bytes counts every update since load, so a room that rewrites its snapshot grows in
   * the count though its state does not (deleted values are collected). Near the quota the
   * real size is taken from the doc, but at most once per eighth of the quota added, so a
   * client cannot make the relay re-encode a full room for every frame.
   */
  #remeasure(): void {
    if (this.#bytes - this.#measuredBytes < this.#limits.maxDocBytes / 8) return;
    this.#bytes = Y.encodeStateAsUpdate(this.#doc).byteLength;
    this.#measuredBytes = this.#bytes;
  }
}
