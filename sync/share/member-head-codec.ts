import type * as Y from 'yjs';
import { concatBytes, fromHex, lengthPrefixed, readU32be, readU64be, sign, toHex, u32be, u64be, utf8, verifySignature, type SigningKeyPair } from '../../crypto/index.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import { RECORD_DIGEST_BYTES } from './member-record.ts';
import type { RoomMeta } from './room-meta.ts';

/**
 * The head of a notebook's member list: the box doc's `memberHeads` map,
 * `<slot(signer)>/<version>` -> room-sealed (room-meta.ts) head, head = signer pk (32) ‖ u64
 * version ‖ u32 n ‖ n × row ‖ signature (64) over lp("obscura/member-head/v2") ‖
 * lp(notebookId) ‖ every byte before the signature; row = device id (16) ‖ u32 record version ‖
 * u8 flags (bit 0 owner, bit 1 removed, bit 2 removed by itself, others 0) ‖ record digest (32,
 * memberRecordDigest).
 * The heads that count form a chain (member-authority.ts): they, not the records, say who is an
 * owner, so removing a device never depends on who signed the others' records.
 *
 * Note: member records travel inside envelopes, and a relay (or a peer passing the box on)
 * can leave an envelope out without anyone seeing a gap: the list is just shorter. The head is
 * signed by an owner and lives beside the envelopes, append-only like revocations, so a device
 * that holds a newer head than the records it was given sees which ones it lacks (and a record
 * written back from before its last re-signing is older than the head says: stale).
 */
export interface MemberHead {
  readonly version: number;
  readonly signerDeviceId: string;
  /** device id -> the record the head vouches for. */
  readonly records: ReadonlyMap<string, HeadRow>;
  readonly mapKey: string;
  /** The signer's signature: a value nobody but the signer chose (member-authority.ts breaks ties with it). */
  readonly signature: Uint8Array;
}

/** One device in a head: its record's version and digest, and what that record says. */
export interface HeadRow {
  readonly version: number;
  readonly owner: boolean;
  readonly removed: boolean;
  /**
   * Removed by a record the device signed itself (an invite's redemption, a member leaving):
   * only then may an older record a replica holds still let its envelope in (member-authority.ts).
   */
  readonly self?: boolean;
  readonly digest: Uint8Array;
}

const DOMAIN = lengthPrefixed(utf8('obscura/member-head/v2'));
const SIG = 64;
const ROW = 16 + 4 + 1 + RECORD_DIGEST_BYTES;
const OWNER = 1;
const REMOVED = 2;
const SELF = 4;
/** A head with more rows is unreadable: writers never sign one. */
export const MAX_ROWS = 10_000;
/**
 * Heads count from 1 by one per change: a version beyond this is no owner's (any member can
 * sign a head, and one at 2^53 - 1 would leave the owners no next version to write).
 */
export const MAX_HEAD_VERSION = 0xffffffff;

export function memberHeadsMap(box: Y.Doc): Y.Map<Uint8Array> {
  return box.getMap<Uint8Array>('memberHeads');
}

const signed = (notebookId: string, body: Uint8Array): Uint8Array => concatBytes(DOMAIN, lengthPrefixed(utf8(notebookId)), body);

export function putMemberHead(box: Y.Doc, notebookId: string, meta: RoomMeta, version: number, records: ReadonlyMap<string, HeadRow>, signer: SigningKeyPair): string {
  const rows = [...records].sort(([a], [b]) => a.localeCompare(b));
  const body = concatBytes(
    signer.publicKey,
    u64be(version),
    u32be(rows.length),
    ...rows.map(([deviceId, row]) => {
      const id = fromHex(deviceId);
      if (!id.ok || id.value.length !== 16 || row.digest.length !== RECORD_DIGEST_BYTES) throw new Error('putMemberHead: not a device id or digest');
      return concatBytes(id.value, u32be(row.version), Uint8Array.of((row.owner ? OWNER : 0) | (row.removed ? REMOVED : 0) | (row.removed && row.self === true ? SELF : 0)), row.digest);
    }),
  );
  const mapKey = `${meta.slot(deviceIdFor(signer.publicKey))}/${version}`;
  memberHeadsMap(box).set(mapKey, meta.seal('memberHeads', mapKey, concatBytes(body, sign(signer.secretKey, signed(notebookId, body)))));
  return mapKey;
}

const verified = new WeakMap<Uint8Array, MemberHead>();

/** The head under `mapKey` if it is sealed for this room, well formed and its signature holds; whether its signer counts is the caller's. */
export function readMemberHead(notebookId: string, meta: RoomMeta, mapKey: string, value: unknown): MemberHead | undefined {
  if (!(value instanceof Uint8Array)) return undefined;
  const memo = verified.get(value);
  if (memo?.mapKey === mapKey) return memo;
  const [slot, versionText, ...rest] = mapKey.split('/');
  const inner = rest.length === 0 ? meta.open('memberHeads', mapKey, value) : undefined;
  if (!inner || inner.length < 32 + 8 + 4 + SIG) return undefined;
  const version = readU64be(inner, 32);
  const n = readU32be(inner, 40);
  if (version === null || version < 1 || version > MAX_HEAD_VERSION || String(version) !== versionText || n > MAX_ROWS || inner.length !== 44 + n * ROW + SIG) return undefined;
  const signerPk = inner.subarray(0, 32);
  const signerDeviceId = deviceIdFor(signerPk);
  if (meta.slot(signerDeviceId) !== slot) return undefined;
  const body = inner.subarray(0, inner.length - SIG);
  if (!verifySignature(signerPk, signed(notebookId, body), inner.subarray(inner.length - SIG))) return undefined;
  const records = new Map<string, HeadRow>();
  for (let i = 0; i < n; i++) {
    const at = 44 + i * ROW;
    const flags = inner[at + 20] ?? 0xff;
    const recordVersion = readU32be(inner, at + 16);
    if ((flags & ~(OWNER | REMOVED | SELF)) !== 0 || ((flags & SELF) !== 0 && (flags & REMOVED) === 0)) return undefined;
    records.set(toHex(inner.subarray(at, at + 16)), { version: recordVersion, owner: (flags & OWNER) !== 0, removed: (flags & REMOVED) !== 0, self: (flags & SELF) !== 0, digest: inner.slice(at + 21, at + ROW) });
  }
  if (records.size !== n) return undefined;
  const head = { version, signerDeviceId, records, mapKey, signature: inner.slice(inner.length - SIG) };
  verified.set(value, head);
  return head;
}

/** Every head whose signature holds. */
export function listMemberHeads(box: Y.Doc, notebookId: string, meta: RoomMeta): MemberHead[] {
  const out: MemberHead[] = [];
  memberHeadsMap(box).forEach((value, mapKey) => {
    const head = readMemberHead(notebookId, meta, mapKey, value);
    if (head) out.push(head);
  });
  return out;
}
