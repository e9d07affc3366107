import * as Y from 'yjs';
import { bytesEqual, concatBytes, sodium, toHex, utf8 } from '../../crypto/index.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import { listMemberHeads, memberHeadsMap, type HeadRow, type MemberHead } from './member-head-codec.ts';
import { memberRecordDigest, membersMap, parseMemberFields, readRawMember, verifyMemberRecord, type MemberRecord } from './member-record.ts';
import { isRevoked, revocationsMap } from './revocations.ts';
import type { RoomMeta } from './room-meta.ts';

/** A device trusted before the member list names it: its signing key, or (entries from before keys were pinned) its id. */
export type Anchor = Uint8Array | string;

/**
 * How a replica reads a notebook's member list. Bound to the plain doc by whoever opens the
 * notebook (shared-notebook.ts), so every reader of the list (trust, keys, the Members screen)
 * reads it the same way. `strict`: only records an owner signed count (below); false for a
 * notebook from before owner-signed records until an owner device upgrades it.
 */
export interface MemberPolicy {
  readonly notebookId: string;
  readonly founder: Anchor;
  readonly heads?: { readonly box: Y.Doc; readonly meta: RoomMeta };
  strict(): boolean;
}

interface Bound {
  readonly policy: MemberPolicy;
  stamp: number;
  cache: ({ stamp: number } & Authority) | undefined;
}

const bound = new WeakMap<Y.Doc, Bound>();

/** A Yjs type and the types it lies in, innermost first. */
function* outward(type: object): Generator<object> {
  for (let at: unknown = type; typeof at === 'object' && at !== null; at = (at as { _item?: { parent?: unknown } | null })._item?.parent) yield at;
}

/** Returns the function that unbinds it (the box outlives an open notebook). */
export function bindMemberPolicy(doc: Y.Doc, policy: MemberPolicy): () => void {
  const entry: Bound = { policy, stamp: 0, cache: undefined };
  // The list is judged again only after a transaction that changed what it is judged from: the
  // records, the heads, the revocations. Every applied envelope is a transaction, and judging
  // thousands of stored records after each (a member can store any number) cost seconds.
  const watched: object[] = [membersMap(doc), ...(policy.heads ? [memberHeadsMap(policy.heads.box), revocationsMap(policy.heads.box)] : [])];
  const bump = (transaction: Y.Transaction): void => {
    let changed = false;
    for (const type of transaction.changed.keys()) {
      const path = [...outward(type)];
      if (!path.some((at) => watched.includes(at))) continue;
      changed = true;
      // A field of a record changed in place: read that record again.
      for (const at of path) checked.delete(at);
    }
    if (changed) entry.stamp++;
  };
  // Before observers run: a members observer (followMembers) must read the new list, and Yjs
  // emits 'update' only after its observers.
  const docs = policy.heads ? [doc, policy.heads.box] : [doc];
  for (const d of docs) {
    d.on('beforeObserverCalls', bump);
    d.on('afterTransaction', bump);
  }
  bound.set(doc, entry);
  return () => {
    for (const d of docs) {
      d.off('beforeObserverCalls', bump);
      d.off('afterTransaction', bump);
    }
    bound.delete(doc);
  };
}

export function memberPolicy(doc: Y.Doc): MemberPolicy | undefined {
  return bound.get(doc)?.policy;
}

/** What the member list says of a device: from the newest head that counts, or a record newer than it that counts. */
export interface Standing {
  readonly owner: boolean;
  readonly removed: boolean;
}

/** `listed`: the records that count and no head makes stale; `standing`: who is an owner, a member, removed. */
interface Authority {
  readonly listed: Map<string, MemberRecord>;
  readonly standing: Map<string, Standing>;
  /** Whether an envelope a device signs may apply (below); absent: the list does not name it. */
  readonly signers: Map<string, boolean>;
  readonly head: MemberHead | undefined;
}

const anchorIs = (anchor: Anchor, signer: Uint8Array): boolean => (typeof anchor === 'string' ? anchor === deviceIdFor(signer) : bytesEqual(anchor, signer));
const anchorId = (anchor: Anchor): string => (typeof anchor === 'string' ? anchor : deviceIdFor(anchor));

/**
 * Each stored record's Y.Map, read and verified once: judging the list again after one record
 * changed reads only that one (bindMemberPolicy forgets a Y.Map whenever a transaction changes
 * it; a replaced record is a new Y.Map).
 */
const checked = new WeakMap<object, MemberRecord | null>();

/** A record's signature holds for this notebook: the stored records a replica judges. */
function verifiedRecords(doc: Y.Doc, notebookId: string): Map<string, MemberRecord> {
  const raw = new Map<string, MemberRecord>();
  membersMap(doc).forEach((entry, deviceId) => {
    let record = entry instanceof Y.Map ? checked.get(entry) : null;
    if (record === undefined) {
      const read = readRawMember(doc, deviceId);
      record = read && verifyMemberRecord(notebookId, read) ? read : null;
      checked.set(entry, record);
    }
    if (record) raw.set(deviceId, record);
  });
  return raw;
}

const sameRow = (a: HeadRow, b: HeadRow): boolean => a.version === b.version && a.owner === b.owner && a.removed === b.removed && (a.self === true) === (b.self === true) && bytesEqual(a.digest, b.digest);
const speaksIn = (head: MemberHead, deviceId: string): boolean => {
  const row = head.records.get(deviceId);
  return row !== undefined && row.owner && !row.removed;
};

/** `head` may follow `last`: it names every device `last` named, none at a lower version, and the same record at the same version. */
function follows(last: MemberHead, head: MemberHead): boolean {
  for (const [deviceId, row] of last.records) {
    const next = head.records.get(deviceId);
    if (!next || next.version < row.version || (next.version === row.version && !sameRow(next, row))) return false;
  }
  return true;
}

/**
 * The chain of heads (sync/PROTOCOL.md "Owner-signed member records"): version 1 counts only
 * signed by the pinned founder; version n + 1 only signed by a device head n names an owner
 * and not removed, and following head n. Ownership is read from the chain alone, so removing
 * the founder or an owner changes nothing about who else is a member. Two heads of one
 * version: one whose signer the other names removed loses (a removed owner cannot answer its
 * removal with a head of the same version); otherwise (both name the other removed, or neither)
 * the one whose signer has been an owner longer wins (`senior`). Returns the newest.
 */
function headChain(heads: readonly MemberHead[], founder: Anchor): MemberHead | undefined {
  const founderId = anchorId(founder);
  const byVersion = new Map<number, MemberHead[]>();
  for (const head of heads) byVersion.set(head.version, [...(byVersion.get(head.version) ?? []), head]);
  const since = new Map<string, OwnerSince>();
  let last: MemberHead | undefined;
  for (let version = 1; ; version++) {
    const previous = last;
    const candidates = (byVersion.get(version) ?? [])
      .filter((head) => (previous ? speaksIn(previous, head.signerDeviceId) && follows(previous, head) : head.signerDeviceId === founderId))
      .sort((a, b) => senior(since, a, b));
    const unopposed = candidates.filter((head) => !candidates.some((other) => other !== head && other.records.get(head.signerDeviceId)?.removed === true && other.records.get(other.signerDeviceId)?.removed !== true && head.records.get(other.signerDeviceId)?.removed !== true));
    const next = unopposed[0] ?? candidates[0];
    if (!next) return last;
    if (!previous) since.set(founderId, { version: 0, head: next.signature });
    for (const [deviceId, row] of next.records) {
      if (!row.owner || row.removed) since.delete(deviceId);
      else if (!since.has(deviceId)) since.set(deviceId, { version, head: next.signature });
    }
    last = next;
  }
}

/** The first head of an unbroken run naming a device an owner: its version (the founder: 0) and signature. */
interface OwnerSince {
  readonly version: number;
  readonly head: Uint8Array;
}

const TIE = utf8('obscura/member-head-tie/v1');

/**
 * Which of two heads of one version comes first: the one whose signer the chain has named an
 * owner longer; between owners first named in the same head, the smaller hash of that head's
 * signature and the device id. Neither is a value a contestant can pick: the chain fixed both
 * before the contest, and that head's signer was an owner before them (a box key, which a device
 * can make as often as it likes until it sorts first, no longer decides).
 */
function senior(since: ReadonlyMap<string, OwnerSince>, a: MemberHead, b: MemberHead): number {
  const [sa, sb] = [since.get(a.signerDeviceId), since.get(b.signerDeviceId)];
  const [va, vb] = [sa?.version ?? Infinity, sb?.version ?? Infinity];
  if (va !== vb) return va < vb ? -1 : 1;
  const tie = (s: OwnerSince | undefined, deviceId: string): string => toHex(sodium().crypto_generichash(32, concatBytes(TIE, s?.head ?? new Uint8Array(0), utf8(deviceId)), null));
  const [ta, tb] = [tie(sa, a.signerDeviceId), tie(sb, b.signerDeviceId)];
  return ta === tb ? 0 : ta < tb ? -1 : 1;
}

/**
 * Which records count in a strict notebook against the newest head that counts:
 * - one at the version its head row names counts when it is exactly that record (digest);
 * - one older than its row is stale; one newer (or not named) counts when its signer is an
 *   owner (the head's row, or a record newer than the head that counts), or it is the device
 *   itself and the record only removes it (or, before any head, it is the pinned founder's own
 *   owner record), or it is an invite's redemption (below).
 * A redemption: signed by an invite's one-time key, it makes exactly one device a `member`
 * (only records that key signed are counted as its redemptions) and carries as proof the
 * invite's record as an owner signed it, and no owner withdrew the invite.
 */
function authorize(doc: Y.Doc, policy: MemberPolicy): Authority {
  const raw = verifiedRecords(doc, policy.notebookId);
  const head = policy.heads ? headChain(listMemberHeads(policy.heads.box, policy.notebookId, policy.heads.meta), policy.founder) : undefined;
  const redeemers = new Map<string, number>();
  // Only records the invite's own key signed are its redemptions: any writer can store one naming it.
  for (const record of raw.values()) {
    if (record.proof !== undefined && record.signer && deviceIdFor(record.signer) === record.addedBy) redeemers.set(record.addedBy, (redeemers.get(record.addedBy) ?? 0) + 1);
  }
  const memo = new Map<string, MemberRecord | undefined>();
  const visiting = new Set<string>();
  const counts = (deviceId: string): MemberRecord | undefined => {
    if (memo.has(deviceId)) return memo.get(deviceId);
    if (visiting.has(deviceId)) return undefined;
    visiting.add(deviceId);
    const result = judge(raw.get(deviceId));
    visiting.delete(deviceId);
    memo.set(deviceId, result);
    return result;
  };
  const standing = (deviceId: string): Standing | undefined => {
    const record = counts(deviceId);
    const row = head?.records.get(deviceId);
    // A record above its row is newer than the head; at the row, row and record agree (digest).
    if (record && (!row || record.version > row.version)) return { owner: record.role === 'owner', removed: record.removedAt !== undefined };
    return row ? { owner: row.owner, removed: row.removed } : undefined;
  };
  const isOwner = (deviceId: string): boolean => {
    const s = standing(deviceId);
    return s !== undefined && s.owner && !s.removed;
  };
  const judge = (record: MemberRecord | undefined): MemberRecord | undefined => {
    if (!record?.signer) return undefined;
    const row = head?.records.get(record.deviceId);
    if (row && record.version < row.version) return undefined;
    if (row && record.version === row.version) {
      const digest = memberRecordDigest(policy.notebookId, record);
      return digest && bytesEqual(digest, row.digest) ? record : undefined;
    }
    return signedByAuthority(record, !head) ? record : undefined;
  };
  // A record no head names (or one older than its row): whether its signer may write it.
  const signedByAuthority = (record: MemberRecord, founderMaySelfSign: boolean): boolean => {
    if (!record.signer) return false;
    const signerId = deviceIdFor(record.signer);
    // A self-removal only of a device the head names: any writer can make keys and sign removals
    // of them by the thousand, and each would be counted and named in every owner's head.
    if (signerId === record.deviceId) return (record.removedAt !== undefined && (!head || head.records.has(record.deviceId))) || (founderMaySelfSign && record.role === 'owner' && anchorIs(policy.founder, record.signer));
    if (record.proof !== undefined) return redeemed(record, signerId);
    return isOwner(signerId);
  };
  const redeemed = (record: MemberRecord, inviteId: string): boolean => {
    // Version 1 only: a redemption at the u32 cap could never be signed over by an owner's removal.
    if (record.role !== 'member' || record.version !== 1 || record.addedBy !== inviteId || redeemers.get(inviteId) !== 1) return false;
    // A redemption no head names yet, of an invite the head names removed (used, withdrawn or
    // swept by an owner's clock): too late, whatever `addedAt` (the joiner's pick) says.
    if (head?.records.get(inviteId)?.removed === true) return false;
    let fields: unknown;
    try {
      fields = JSON.parse(record.proof ?? '');
    } catch {
      return false;
    }
    if (typeof fields !== 'object' || fields === null) return false;
    const invite = parseMemberFields(inviteId, fields as Record<string, unknown>);
    if (invite?.role !== 'invite' || invite.removedAt !== undefined || !invite.signer || !verifyMemberRecord(policy.notebookId, invite)) return false;
    // The joiner picks addedAt: this only stops a joiner with a right clock (the bound is an owner's sweep, below).
    if (invite.expiresAt !== undefined && record.addedAt > invite.expiresAt) return false;
    // Withdrawn (or swept once expired) by an owner, not closed by its own redemption: nobody may
    // redeem it. The owner's record of it can lose to the redemption's own in the plain doc (both
    // re-sign it at the same version when written unaware of each other), so the owner's
    // revocation in the box counts too: the owner's replica refused the redemption either way.
    const now = raw.get(inviteId);
    if (now?.removedAt !== undefined && now.signer && deviceIdFor(now.signer) !== inviteId && counts(inviteId) !== undefined) return false;
    if (policy.heads && isRevoked(policy.heads.box, policy.notebookId, policy.heads.meta, inviteId, (signerId) => signerId !== inviteId && isOwner(signerId))) return false;
    const issuer = deviceIdFor(invite.signer);
    return issuer !== inviteId && isOwner(issuer);
  };
  const listed = new Map<string, MemberRecord>();
  for (const deviceId of raw.keys()) {
    const record = counts(deviceId);
    if (record) listed.set(deviceId, record);
  }
  const standings = new Map<string, Standing>();
  const signers = new Map<string, boolean>();
  for (const deviceId of new Set([...raw.keys(), ...(head?.records.keys() ?? [])])) {
    const s = standing(deviceId);
    if (s) standings.set(deviceId, s);
    // Signing: as the record this replica holds says, stale or not, when its signer could write
    // it. A replica that holds an older record than the head names must still apply the envelope
    // that carries the newer one (an invite's redemption is signed by the invite the head already
    // names as used), but only when the head says the device removed itself: one an owner
    // removed (a swept or withdrawn invite) signs nothing, whether or not the removal's own
    // envelope reached this replica (a relay may hand over the head alone).
    const held = raw.get(deviceId);
    const row = head?.records.get(deviceId);
    const removedByOwner = row?.removed === true && row.self !== true;
    const record = listed.get(deviceId) ?? (held && !removedByOwner && signedByAuthority(held, true) ? held : undefined);
    if (record) signers.set(deviceId, record.removedAt === undefined);
    else if (s) signers.set(deviceId, !s.removed);
  }
  return { listed, standing: standings, signers, head };
}

function state(doc: Y.Doc): Authority | undefined {
  const entry = bound.get(doc);
  if (!entry || !entry.policy.strict()) return undefined;
  if (entry.cache?.stamp !== entry.stamp) entry.cache = { stamp: entry.stamp, ...authorize(doc, entry.policy) };
  return entry.cache;
}

/**
 * The record that counts for `deviceId` in the member list: in a strict notebook only one
 * the head chain vouches for or an owner's authority reaches beyond it; otherwise whatever is stored.
 */
export function authorizedMember(doc: Y.Doc, deviceId: string): MemberRecord | undefined {
  const strict = state(doc);
  return strict ? strict.listed.get(deviceId) : readRawMember(doc, deviceId);
}

/**
 * In a strict notebook, whether `deviceId` is an owner or member and whether it was removed,
 * from the head chain (and records newer than its newest head that count), whether or not
 * this replica holds the device's record; undefined when the list does not name it. A
 * member overwriting another's record in the plain doc does not change this (its device
 * shows as missing instead). Not strict: undefined (callers read the stored record).
 */
export function memberStanding(doc: Y.Doc, deviceId: string): Standing | undefined {
  return state(doc)?.standing.get(deviceId);
}

/** In a strict notebook, whether what `deviceId` signs may apply (a revocation aside); undefined when the list does not name it. */
export function memberSigns(doc: Y.Doc, deviceId: string): boolean | undefined {
  return state(doc)?.signers.get(deviceId);
}

/** Whether standing comes from the head chain (a strict notebook bound to a policy). */
export function readsStanding(doc: Y.Doc): boolean {
  return state(doc) !== undefined;
}

/** The newest head that counts, in a strict notebook with heads bound. */
export function currentMemberHead(doc: Y.Doc): MemberHead | undefined {
  return state(doc)?.head;
}
