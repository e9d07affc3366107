import * as Y from 'yjs';
import { notesMap } from './notes.ts';
import { isPhotoRecord } from './photos.ts';

/**
 * Which device holds which originals, so a person can see how many photos would be lost with
 * one device. Each device writes one record into the notebook's plain doc, under its writer
 * slot (`SharedNotebook.meta.slot(deviceId)`, a keyed hash under the room password):
 * `holdings[<slot>] = { v: 1, held: [first 16 hex of each original's blob id], at }`.
 *
 * Note: the plain doc travels only inside sealed, signed envelopes (PROTOCOL.md "Writers"), so
 * the relay and removed members see neither slot nor blob ids; members see them, and can read
 * every photo anyway. A member can write any key of the plain doc, so a record says what a
 * member claims, not what a device proved: the count is advice, never a reason to delete.
 * 64 bits of a blob id tell originals of one notebook apart (a collision would only count a
 * copy too many) at a quarter of the bytes.
 */
export const HOLDINGS_MAP = 'holdings';
const RECORD_VERSION = 1;
const PREFIX = /^[0-9a-f]{16}$/;
const SLOT = /^[A-Za-z0-9_-]{16,64}$/;
/** A record longer than this is ignored (a notebook of 100k photos is far beyond what a grid shows). */
const MAX_HELD = 100_000;

export interface HoldingsRecord {
  readonly v: 1;
  readonly held: readonly string[];
  readonly at: number;
}

/** What Sync shows for a notebook: photos, and how many have a copy on one device only. */
export interface CopyCounts {
  readonly photos: number;
  /** Held by this device and by no other that said so. */
  readonly onlyHere: number;
  /** Held by exactly one device (this one or another). */
  readonly onlyOne: number;
}

export const heldPrefix = (blobId: string): string => blobId.slice(0, 16);

export function holdingsMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(HOLDINGS_MAP);
}

/** Peers write this map too: a record is used only if every field has the right shape. */
export function isHoldingsRecord(value: unknown): value is HoldingsRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return v.v === RECORD_VERSION && typeof v.at === 'number' && Number.isFinite(v.at)
    && Array.isArray(v.held) && v.held.length <= MAX_HELD && v.held.every((p) => typeof p === 'string' && PREFIX.test(p));
}

/** The original (full photo) blob ids of every note with a photo, in note order. */
export function photoOriginals(doc: Y.Doc): string[] {
  const ids: string[] = [];
  for (const note of notesMap(doc).values()) {
    const photo = note instanceof Y.Map ? note.get('photo') : undefined;
    if (isPhotoRecord(photo)) ids.push(photo.blobId);
  }
  return ids;
}

/** The thumbnail blob ids of every note with a photo, in note order. */
export function photoThumbnails(doc: Y.Doc): string[] {
  const ids: string[] = [];
  for (const note of notesMap(doc).values()) {
    const photo = note instanceof Y.Map ? note.get('photo') : undefined;
    if (isPhotoRecord(photo)) ids.push(photo.thumbBlobId);
  }
  return ids;
}

/**
 * Records that this device (slot `slot`) holds `blobIds`; writes only when the set changed, so
 * a device that re-checks its store often adds nothing to the notebook's history.
 */
export function writeHoldings(doc: Y.Doc, slot: string, blobIds: Iterable<string>, now = Date.now()): boolean {
  if (!SLOT.test(slot)) throw new TypeError('a holdings record is keyed by a writer slot');
  const held = [...new Set([...blobIds].map(heldPrefix))].filter((p) => PREFIX.test(p)).sort();
  const current = holdingsMap(doc).get(slot);
  if (isHoldingsRecord(current) && current.held.length === held.length && current.held.every((p, i) => p === held[i])) return false;
  doc.transact(() => holdingsMap(doc).set(slot, { v: RECORD_VERSION, held, at: now }));
  return true;
}

/** Every well-formed record, by slot; malformed ones count as no record. */
export function readHoldings(doc: Y.Doc): Map<string, ReadonlySet<string>> {
  const out = new Map<string, ReadonlySet<string>>();
  for (const [slot, value] of holdingsMap(doc).entries()) {
    if (SLOT.test(slot) && isHoldingsRecord(value)) out.set(slot, new Set(value.held));
  }
  return out;
}

/**
 * Counts photos whose original only one device holds. The relay's copy is not counted: a
 * relay that lost its data says nothing (issue 18 §5), so a photo "on the relay" may be on no
 * server at all; only devices that hold the bytes and said so count.
 */
export function copyCounts(doc: Y.Doc, selfSlot: string): CopyCounts {
  const holdings = readHoldings(doc);
  const mine = holdings.get(selfSlot);
  let onlyHere = 0;
  let onlyOne = 0;
  const originals = new Set(photoOriginals(doc));
  for (const id of originals) {
    const prefix = heldPrefix(id);
    let copies = 0;
    for (const held of holdings.values()) if (held.has(prefix)) copies++;
    if (copies !== 1) continue;
    onlyOne++;
    if (mine?.has(prefix)) onlyHere++;
  }
  return { photos: originals.size, onlyHere, onlyOne };
}
