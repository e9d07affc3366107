import type * as Y from 'yjs';
import { bytesEqual, type SigningKeyPair } from '../../crypto/index.ts';
import type { SealedDoc } from '../sealed/sealed-doc.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import { authorizedMember, currentMemberHead, memberPolicy, memberSigns, memberStanding, readsStanding, type Anchor } from './member-authority.ts';
import { memberHeadsMap } from './member-head-codec.ts';
import { fieldsToYMap, membersMap, readRawMember, signedMemberFields, type MemberKeys, type MemberRecord, type MemberRole } from './member-record.ts';
import { isRevoked } from './revocations.ts';
import type { RoomMeta } from './room-meta.ts';

export { bindMemberPolicy, memberPolicy, type Anchor, type MemberPolicy } from './member-authority.ts';
export { membersMap, readRawMember, type MemberKeys, type MemberRecord, type MemberRole } from './member-record.ts';

/**
 * Who may write into a shared notebook: the plain notebook doc's `members` map
 * (member-record.ts).
 *
 * Note: the map lives in the plain doc, so it is itself written by sealed, signed updates,
 * and any current member's update may change any record. So a record counts only when an
 * owner's authority reaches it (member-authority.ts: signed by a current owner, or by an
 * invite's one-time key with the owner-signed invite as proof), and an owner-signed head in
 * the box (member-head-codec.ts) tells a replica which records it lacks. Notebooks from
 * before owner-signed records read every stored record until an owner device upgrades them
 * (member-upgrade.ts). `invite` records hold an invite's one-time key
 * (sync/share/join-notebook.ts) and have no box key.
 */
export type TrustSigner = (writerId: string, signerPublicKey: Uint8Array) => boolean;

/** The record that counts for `deviceId` (member-authority.ts), or undefined. */
export function readMember(doc: Y.Doc, deviceId: string): MemberRecord | undefined {
  return authorizedMember(doc, deviceId);
}

export function listMembers(doc: Y.Doc): MemberRecord[] {
  const out: MemberRecord[] = [];
  for (const deviceId of membersMap(doc).keys()) {
    const record = readMember(doc, deviceId);
    if (record) out.push(record);
  }
  return out.sort((a, b) => a.addedAt - b.addedAt || a.deviceId.localeCompare(b.deviceId));
}

/** Current (not removed) member whose record holds exactly this signing key. */
export function isCurrentMember(doc: Y.Doc, signingPublicKey: Uint8Array): boolean {
  // Strict: the head chain says (a device id is a hash of its signing key), held record or not.
  if (readsStanding(doc)) return memberStanding(doc, deviceIdFor(signingPublicKey))?.removed === false;
  const record = readMember(doc, deviceIdFor(signingPublicKey));
  return record !== undefined && record.removedAt === undefined && bytesEqual(record.signingPublicKey, signingPublicKey);
}

export function isCurrentOwner(doc: Y.Doc, deviceId: string): boolean {
  if (readsStanding(doc)) {
    const standing = memberStanding(doc, deviceId);
    return standing?.owner === true && !standing.removed;
  }
  const record = readMember(doc, deviceId);
  return record?.role === 'owner' && record.removedAt === undefined;
}

function notebookIdOf(doc: Y.Doc): string {
  const policy = memberPolicy(doc);
  if (!policy) throw new Error('member records: the doc has no member policy (bindMemberPolicy)');
  return policy.notebookId;
}

/**
 * Adds (or re-adds) a device, signed by `signer` (whose device id is recorded as `addedBy`,
 * or the invite's for a redemption, which carries `proof`). Whether it counts is the readers'
 * decision: a record signed by a device with no owner's authority is stored and ignored.
 */
export function addMember(doc: Y.Doc, keys: MemberKeys, role: MemberRole, signer: SigningKeyPair, now = Date.now(), expiresAt?: number, proof?: string): string {
  const deviceId = deviceIdFor(keys.signingPublicKey);
  // A redemption is version 1 (member-authority.ts counts no other): its device is new.
  const version = proof !== undefined ? 1 : nextMemberVersion(doc, deviceId);
  // At the cap (a record someone stored at 0xffffffff) nothing higher can be signed: refused, never thrown.
  if (version === undefined) return deviceId;
  const record = {
    signingPublicKey: keys.signingPublicKey,
    boxPublicKey: keys.boxPublicKey,
    role,
    addedBy: deviceIdFor(signer.publicKey),
    addedAt: now,
    removedAt: undefined,
    expiresAt,
    version,
    proof,
  };
  membersMap(doc).set(deviceId, fieldsToYMap(signedMemberFields(notebookIdOf(doc), record, signer)));
  return deviceId;
}

/** The highest version of a record u32 holds (member-record.ts). */
const MAX_MEMBER_VERSION = 0xffffffff;

/**
 * The version a new record for `deviceId` takes: above the stored record (any writer may have
 * stored it), the one that counts and the head's row, so none of them outranks it; undefined
 * at the cap.
 */
function nextMemberVersion(doc: Y.Doc, deviceId: string): number | undefined {
  const highest = Math.max(readRawMember(doc, deviceId)?.version ?? 0, readMember(doc, deviceId)?.version ?? 0, currentMemberHead(doc)?.records.get(deviceId)?.version ?? 0);
  return highest >= MAX_MEMBER_VERSION ? undefined : highest + 1;
}

/**
 * Signs the record that counts again with `removedAt` set (above every stored version), by
 * `signer`. False (never a throw) when no record counts (junk over it: the owner's head names
 * the device removed instead, member-head.ts), it is removed already, or at the version cap.
 */
export function markMemberRemoved(doc: Y.Doc, deviceId: string, signer: SigningKeyPair, now = Date.now()): boolean {
  const counted = readMember(doc, deviceId);
  const version = nextMemberVersion(doc, deviceId);
  if (!counted || counted.removedAt !== undefined || version === undefined) return false;
  resignMember(doc, { ...counted, version: version - 1 }, signer, { removedAt: now });
  return true;
}

/**
 * Stores `record` again as it is (but for `changes`), one version up, signed by `signer`.
 * Without the invite proof: from now on the signer's authority is what counts.
 */
export function resignMember(doc: Y.Doc, record: MemberRecord, signer: SigningKeyPair, changes: { removedAt?: number } = {}): void {
  const next = { ...record, ...changes, version: record.version + 1, proof: undefined };
  membersMap(doc).set(record.deviceId, fieldsToYMap(signedMemberFields(notebookIdOf(doc), next, signer)));
}

/** The founder's first update: it adds itself as owner (trusted because it is the founder). */
export function foundMembers(doc: Y.Doc, founder: MemberKeys, signer: SigningKeyPair, now = Date.now()): string {
  return addMember(doc, founder, 'owner', signer, now);
}

/**
 * SealedDoc's `trustSigner` for a shared notebook. A signer (SealedDoc checked that it owns
 * its writer slot) is trusted when it is a current member. Bootstrap: while the founder has no record yet,
 * the founder (pinned out of band: the vault doc's notebook entry for the creator's
 * devices, the signed invite for a joiner) is trusted, so its first update, which adds
 * itself, can apply. Once its record exists the record decides, so a founder can be
 * removed like anyone else. With `revocations`, a device an owner revoked in the box
 * (revocations.ts) is refused even before the member list says so.
 */
export function memberTrust(doc: Y.Doc, founder: Anchor, revocations?: BoxRevocations): TrustSigner {
  // SealedDoc has checked that the signer owns its writer slot.
  const trusted = signerTrust(doc, revocations, [founder]);
  return (_writerId, signerPublicKey) => trusted(signerPublicKey);
}

/** Where a notebook's revocations are: its box, and what its room seals them with. */
export interface BoxRevocations {
  readonly box: Y.Doc;
  readonly notebookId: string;
  readonly meta: RoomMeta;
}

/**
 * Whether a signing key speaks for the notebook: not revoked by an owner (when the box is
 * given), and a current member with exactly that key; a device the member list does not
 * name is trusted only if it is one of `anchors` (the founder; for a joiner, the inviter
 * its signed link names), so the chain can start before anyone's record is readable.
 */
export function signerTrust(doc: Y.Doc, revocations: BoxRevocations | undefined, anchors: readonly Anchor[]): (signerPublicKey: Uint8Array) => boolean {
  return (signerPublicKey) => {
    const deviceId = deviceIdFor(signerPublicKey);
    if (revocations && isRevoked(revocations.box, revocations.notebookId, revocations.meta, deviceId, (id) => isCurrentOwner(doc, id))) return false;
    // Strict: the head chain (and records beyond it that count) decide, whatever record this
    // replica holds; a device it does not name leaves the anchors to decide, but the founder is
    // named from the first head on, so its pin no longer outweighs its removal.
    if (readsStanding(doc)) {
      const signs = memberSigns(doc, deviceId);
      if (signs !== undefined) return signs;
    } else if (membersMap(doc).has(deviceId)) {
      const record = readRawMember(doc, deviceId);
      return record !== undefined && record.removedAt === undefined && bytesEqual(record.signingPublicKey, signerPublicKey);
    }
    return anchors.some((anchor) => (typeof anchor === 'string' ? anchor === deviceId : bytesEqual(anchor, signerPublicKey)));
  };
}

/**
 * Re-opens E_SIGNER quarantines whenever the member list changes, or (a strict notebook) its
 * heads do. Note: entries arrive in any order, so a joiner's entry can be seen before the
 * update that made it a member; this turns "quarantined for now" into "applied" once that
 * update is applied. A head can be the only thing that names a member: in an upgraded old
 * notebook her unsigned record counts for nothing before head 1, and the founder's upgrade,
 * which overwrote what her entry wrote, waits in Yjs for that entry. Returns the unsubscribe function.
 */
export function followMembers(doc: Y.Doc, sealed: SealedDoc): () => void {
  const retry = (): void => sealed.retryQuarantined(['E_SIGNER']);
  const map = membersMap(doc);
  const heads = memberPolicy(doc)?.heads;
  const headsMap = heads ? memberHeadsMap(heads.box) : undefined;
  map.observeDeep(retry);
  headsMap?.observe(retry);
  retry();
  return () => {
    map.unobserveDeep(retry);
    headsMap?.unobserve(retry);
  };
}
