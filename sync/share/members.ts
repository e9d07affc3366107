import * as Y from 'yjs';
import { bytesEqual, fromBase64Url, toBase64Url } from '../../crypto/index.ts';
import type { SealedDoc } from '../sealed/sealed-doc.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import { isRevoked } from './revocations.ts';
import type { RoomMeta } from './room-meta.ts';

/**
 * Who may write into a shared notebook: the plain notebook doc's `members` map,
 * deviceId -> { signingPublicKey, boxPublicKey, role, addedBy, addedAt, removedAt? }.
 *
 * Note: the map lives in the plain doc, so it is itself written by sealed, signed updates.
 * An envelope is applied only when its signer is a current member, so a non-member can
 * never add itself: every member record was written by someone who already was one. The
 * chain starts at the founder (see memberTrust). Roles are advisory: every current member
 * may write notes and members alike, as in any shared document. `invite` records hold an
 * invite's one-time key (sync/share/join-notebook.ts) and have no box key.
 */
export type MemberRole = 'owner' | 'member' | 'invite';

export interface MemberRecord {
  readonly deviceId: string;
  readonly signingPublicKey: Uint8Array;
  readonly boxPublicKey: Uint8Array | undefined;
  readonly role: MemberRole;
  readonly addedBy: string;
  readonly addedAt: number;
  readonly removedAt: number | undefined;
  /** Invites only: after this, members sweep it (join-notebook.ts sweepInvites). */
  readonly expiresAt: number | undefined;
}

export interface MemberKeys {
  readonly signingPublicKey: Uint8Array;
  readonly boxPublicKey?: Uint8Array;
}

export type TrustSigner = (writerId: string, signerPublicKey: Uint8Array) => boolean;

export function membersMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap<Y.Map<unknown>>('members');
}

const ROLES: readonly string[] = ['owner', 'member', 'invite'];

function bytesField(entry: Y.Map<unknown>, name: string, length: number): Uint8Array | undefined {
  const value = entry.get(name);
  if (typeof value !== 'string') return undefined;
  const bytes = fromBase64Url(value);
  return bytes.ok && bytes.value.length === length ? bytes.value : undefined;
}

/** A validated record, or undefined when absent or malformed (a malformed record trusts nobody). */
export function readMember(doc: Y.Doc, deviceId: string): MemberRecord | undefined {
  const entry = membersMap(doc).get(deviceId);
  if (!(entry instanceof Y.Map)) return undefined;
  const signingPublicKey = bytesField(entry, 'signingPublicKey', 32);
  const role = entry.get('role');
  const addedBy = entry.get('addedBy');
  const addedAt = entry.get('addedAt');
  const removedAt = entry.get('removedAt');
  const expiresAt = entry.get('expiresAt');
  if (!signingPublicKey || deviceIdFor(signingPublicKey) !== deviceId) return undefined;
  if (typeof role !== 'string' || !ROLES.includes(role) || typeof addedBy !== 'string' || typeof addedAt !== 'number') return undefined;
  if (removedAt !== undefined && typeof removedAt !== 'number') return undefined;
  if (expiresAt !== undefined && typeof expiresAt !== 'number') return undefined;
  const boxPublicKey = bytesField(entry, 'boxPublicKey', 32);
  return { deviceId, signingPublicKey, boxPublicKey, role: role as MemberRole, addedBy, addedAt, removedAt, expiresAt };
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
  const record = readMember(doc, deviceIdFor(signingPublicKey));
  return record !== undefined && record.removedAt === undefined && bytesEqual(record.signingPublicKey, signingPublicKey);
}

export function isCurrentOwner(doc: Y.Doc, deviceId: string): boolean {
  const record = readMember(doc, deviceId);
  return record?.role === 'owner' && record.removedAt === undefined;
}

/** Adds (or re-adds) a device; `addedBy` is the device id of the member writing this. */
export function addMember(doc: Y.Doc, keys: MemberKeys, role: MemberRole, addedBy: string, now = Date.now(), expiresAt?: number): string {
  const deviceId = deviceIdFor(keys.signingPublicKey);
  const entry = new Y.Map<unknown>();
  entry.set('signingPublicKey', toBase64Url(keys.signingPublicKey));
  if (keys.boxPublicKey) entry.set('boxPublicKey', toBase64Url(keys.boxPublicKey));
  entry.set('role', role);
  entry.set('addedBy', addedBy);
  entry.set('addedAt', now);
  if (expiresAt !== undefined) entry.set('expiresAt', expiresAt);
  membersMap(doc).set(deviceId, entry);
  return deviceId;
}

export function markMemberRemoved(doc: Y.Doc, deviceId: string, now = Date.now()): boolean {
  const entry = membersMap(doc).get(deviceId);
  if (!(entry instanceof Y.Map) || entry.get('removedAt') !== undefined) return false;
  entry.set('removedAt', now);
  return true;
}

/** The founder's first update: it adds itself as owner (trusted because it is the founder). */
export function foundMembers(doc: Y.Doc, founder: MemberKeys, now = Date.now()): string {
  const deviceId = deviceIdFor(founder.signingPublicKey);
  return addMember(doc, founder, 'owner', deviceId, now);
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

/** A device trusted before the member list names it: its signing key, or (entries from before keys were pinned) its id. */
export type Anchor = Uint8Array | string;

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
    if (membersMap(doc).has(deviceId)) return isCurrentMember(doc, signerPublicKey);
    return anchors.some((anchor) => (typeof anchor === 'string' ? anchor === deviceId : bytesEqual(anchor, signerPublicKey)));
  };
}

/**
 * Re-opens E_SIGNER quarantines whenever the member list changes. Note: entries arrive
 * in any order, so a joiner's entry can be seen before the update that made it a member;
 * this turns "quarantined for now" into "applied" once that update is applied. Returns
 * the unsubscribe function.
 */
export function followMembers(doc: Y.Doc, sealed: SealedDoc): () => void {
  const retry = (): void => sealed.retryQuarantined(['E_SIGNER']);
  const map = membersMap(doc);
  map.observeDeep(retry);
  retry();
  return () => map.unobserveDeep(retry);
}
