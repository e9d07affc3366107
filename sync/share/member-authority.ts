import type * as Y from 'yjs';
import { bytesEqual } from '../../crypto/index.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import { listMemberHeads, type MemberHead } from './member-head-codec.ts';
import { membersMap, parseMemberFields, readRawMember, verifyMemberRecord, type MemberRecord } from './member-record.ts';
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

/** Returns the function that unbinds it (the box outlives an open notebook). */
export function bindMemberPolicy(doc: Y.Doc, policy: MemberPolicy): () => void {
  const entry: Bound = { policy, stamp: 0, cache: undefined };
  const bump = (): void => void entry.stamp++;
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

/** `counted`: records an owner's authority reaches; `listed`: those of them no newer head makes stale. */
interface Authority {
  readonly counted: Map<string, MemberRecord>;
  readonly listed: Map<string, MemberRecord>;
  readonly head: MemberHead | undefined;
}

const anchorIs = (anchor: Anchor, signer: Uint8Array): boolean => (typeof anchor === 'string' ? anchor === deviceIdFor(signer) : bytesEqual(anchor, signer));

/** A record's signature holds for this notebook: the stored records a replica judges. */
function verifiedRecords(doc: Y.Doc, notebookId: string): Map<string, MemberRecord> {
  const raw = new Map<string, MemberRecord>();
  for (const deviceId of membersMap(doc).keys()) {
    const record = readRawMember(doc, deviceId);
    if (record && verifyMemberRecord(notebookId, record)) raw.set(deviceId, record);
  }
  return raw;
}

const staleAgainst = (head: MemberHead | undefined, record: MemberRecord): boolean => (head?.records.get(record.deviceId) ?? 0) > record.version;

interface Judged {
  readonly counted: Map<string, MemberRecord>;
  isOwner(deviceId: string): boolean;
}

/**
 * Which records count in a strict notebook (sync/PROTOCOL.md "Owner-signed member records"):
 * a record counts when its signature holds for this notebook and its signer
 * - is a current owner whose own record counts and `head` does not make stale (a removed
 *   owner's old record written back must not lend it authority again), or
 * - is the device itself, and the record only removes it, or it is the founder's owner record, or
 * - is an invite's one-time key, the record makes exactly one device a `member` and carries as
 *   proof the invite's record as an owner signed it, and no owner withdrew the invite.
 */
function judgeRecords(raw: ReadonlyMap<string, MemberRecord>, policy: MemberPolicy, head: MemberHead | undefined): Judged {
  const redeemers = new Map<string, number>();
  for (const record of raw.values()) if (record.proof !== undefined) redeemers.set(record.addedBy, (redeemers.get(record.addedBy) ?? 0) + 1);
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
  const isOwner = (deviceId: string): boolean => {
    const record = counts(deviceId);
    return record?.role === 'owner' && record.removedAt === undefined && !staleAgainst(head, record);
  };
  const judge = (record: MemberRecord | undefined): MemberRecord | undefined => {
    if (!record?.signer) return undefined;
    const signerId = deviceIdFor(record.signer);
    if (signerId === record.deviceId) return record.removedAt !== undefined || (record.role === 'owner' && anchorIs(policy.founder, record.signer)) ? record : undefined;
    if (record.proof !== undefined) return redeemed(record, signerId) ? record : undefined;
    return isOwner(signerId) ? record : undefined;
  };
  const redeemed = (record: MemberRecord, inviteId: string): boolean => {
    if (record.role !== 'member' || record.addedBy !== inviteId || redeemers.get(inviteId) !== 1) return false;
    let fields: unknown;
    try {
      fields = JSON.parse(record.proof ?? '');
    } catch {
      return false;
    }
    if (typeof fields !== 'object' || fields === null) return false;
    const invite = parseMemberFields(inviteId, fields as Record<string, unknown>);
    if (invite?.role !== 'invite' || invite.removedAt !== undefined || !invite.signer || !verifyMemberRecord(policy.notebookId, invite)) return false;
    if (invite.expiresAt !== undefined && record.addedAt > invite.expiresAt) return false;
    // Withdrawn by an owner (not closed by its own redemption): nobody may redeem it.
    const now = raw.get(inviteId);
    if (now?.removedAt !== undefined && now.signer && deviceIdFor(now.signer) !== inviteId && counts(inviteId) !== undefined) return false;
    const issuer = deviceIdFor(invite.signer);
    return issuer !== inviteId && isOwner(issuer);
  };
  const counted = new Map<string, MemberRecord>();
  for (const deviceId of raw.keys()) {
    const record = counts(deviceId);
    if (record) counted.set(deviceId, record);
  }
  return { counted, isOwner };
}

/**
 * The newest head of the chain of heads `signs` accepts, oldest first: each a higher version
 * than the last accepted and naming every device it named at least at the same version (a
 * head never lowers a row, so a removed owner's device cannot sign itself back to its old
 * record; two heads of one version: the smaller box key).
 */
function headChain(heads: readonly MemberHead[], signs: (signerDeviceId: string) => boolean): MemberHead | undefined {
  let last: MemberHead | undefined;
  for (const head of heads) {
    if (!signs(head.signerDeviceId) || (last && head.version <= last.version)) continue;
    if (last && [...last.records].some(([deviceId, version]) => (head.records.get(deviceId) ?? -1) < version)) continue;
    last = head;
  }
  return last;
}

/**
 * The records that count and the head that counts, which decide each other: a signer is an
 * owner only if the head does not make its record stale, and a head counts only from an owner
 * (or the founder's key). So: the head chain from signers that are owners ignoring heads, the
 * records judged against its newest head, and while that head's signer is then no owner, the
 * chain again without that signer (each round drops one signer, so it ends).
 */
function authorize(doc: Y.Doc, policy: MemberPolicy): Authority {
  const raw = verifiedRecords(doc, policy.notebookId);
  const loose = judgeRecords(raw, policy, undefined);
  if (!policy.heads) return { counted: loose.counted, listed: loose.counted, head: undefined };
  const founderId = typeof policy.founder === 'string' ? undefined : deviceIdFor(policy.founder);
  const heads = listMemberHeads(policy.heads.box, policy.notebookId, policy.heads.meta).sort((a, b) => a.version - b.version || (a.mapKey < b.mapKey ? -1 : 1));
  const dropped = new Set<string>();
  for (;;) {
    const head = headChain(heads, (id) => !dropped.has(id) && (id === founderId || loose.isOwner(id)));
    const judged = judgeRecords(raw, policy, head);
    if (!head || head.signerDeviceId === founderId || judged.isOwner(head.signerDeviceId)) {
      const listed = new Map([...judged.counted].filter(([, record]) => !staleAgainst(head, record)));
      return { counted: judged.counted, listed, head };
    }
    dropped.add(head.signerDeviceId);
  }
}

function state(doc: Y.Doc): Authority | undefined {
  const entry = bound.get(doc);
  if (!entry || !entry.policy.strict()) return undefined;
  if (entry.cache?.stamp !== entry.stamp) entry.cache = { stamp: entry.stamp, ...authorize(doc, entry.policy) };
  return entry.cache;
}

/**
 * The record that counts for `deviceId` in the member list: in a strict notebook only one an
 * owner's authority reaches and no newer head makes stale; otherwise whatever is stored.
 */
export function authorizedMember(doc: Y.Doc, deviceId: string): MemberRecord | undefined {
  const strict = state(doc);
  return strict ? strict.listed.get(deviceId) : readRawMember(doc, deviceId);
}

/**
 * As authorizedMember, stale or not: what judging a signer uses. Note: a replica that holds an
 * older record than the head names must still apply the envelope that carries the newer one
 * (an invite's redemption is signed by the invite), so staleness cannot withdraw trust; a
 * removal is enforced for signing by the owner's revocation (revocations.ts), not the record.
 */
export function signingMember(doc: Y.Doc, deviceId: string): MemberRecord | undefined {
  const strict = state(doc);
  return strict ? strict.counted.get(deviceId) : readRawMember(doc, deviceId);
}

/** The newest head that counts, in a strict notebook with heads bound. */
export function currentMemberHead(doc: Y.Doc): MemberHead | undefined {
  return state(doc)?.head;
}
