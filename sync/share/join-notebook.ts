import * as Y from 'yjs';
import {
  boxKeyPairFromSeed,
  bytesEqual,
  deriveId,
  fromBase64Url,
  randomBytes,
  sealEnvelope,
  signingKeyPairFromSeed,
  wipe,
  type BoxKeyPair,
  type Result,
  type SigningKeyPair,
} from '../../crypto/index.ts';
import { boxMaps, entryKey } from '../sealed/box-layout.ts';
import type { SealedDoc } from '../sealed/sealed-doc.ts';
import { deviceIdFor, newWriter } from '../sealed/writer.ts';
import type { NotebookRoom } from '../transport/derive-room-id.ts';
import { addInvitedNotebook, setNotebookStrictMembers } from '../vault-doc/vault-doc.ts';
import { createInviteLink, type Invite } from './invite-link.ts';
import { dropKeyEnvelopes, keyEnvelopeEntries, openKeyEnvelope } from './key-envelope.ts';
import { addMember, bindMemberPolicy, isCurrentMember, isCurrentOwner, listMembers, markMemberRemoved, memberPolicy, membersMap, readMember, readRawMember, resignMember, type MemberKeys, type MemberRecord } from './members.ts';
import { listRevocations, writeRevocation } from './revocations.ts';
import { roomMeta, type RoomMeta } from './room-meta.ts';

/**
 * Joining a shared notebook with a pre-authorized one-time key.
 *
 * Note: the inviter cannot add the joiner's device keys itself, because it does not know
 * them when it makes the link, and waiting for the inviter to come online to approve them
 * would make every invite a two-step dance. So the inviter adds a fresh one-time signing
 * key as an `invite` member and puts its seed in the link. The joiner, once it has synced
 * the box, writes ONE envelope signed by that key which adds the joiner's real device and
 * marks the one-time key removed. Every step is signed by a member, so the member chain
 * stays unbroken, and `addedBy` records who let whom in.
 * The link carries no notebook key (invite-link.ts): the current key is sealed to the
 * invite's box key in the box, and goes away once the invite is used, withdrawn or expired.
 */
export const DEFAULT_INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

export interface CreateInviteArgs {
  readonly origin: string;
  readonly notebookId: string;
  readonly notebookName: string;
  readonly founderSigningPublicKey: Uint8Array;
  /** Where the joiner finds the box (vault-doc.ts notebookRoom). */
  readonly room: NotebookRoom;
  readonly plain: Y.Doc;
  readonly sealed: SealedDoc;
  readonly inviter: SigningKeyPair;
  readonly ttlMs?: number;
  readonly now?: number;
  readonly signalingUrls?: readonly string[];
  readonly relayUrls?: readonly string[];
}

/**
 * The identity an invite's seed stands for: the one-time signing key, and a box key pair
 * derived from the same seed (separate purpose), to which members seal the notebook's
 * current key (rotate-key.ts handCurrentKey): the only way the joiner gets a key at all.
 */
export function inviteIdentity(oneTimeSeed: Uint8Array): { deviceId: string; signing: SigningKeyPair; box: BoxKeyPair } {
  const signing = signingKeyPairFromSeed(oneTimeSeed);
  const boxSeed = fromBase64Url(deriveId(oneTimeSeed, 'invite-box-seed', ''));
  if (!boxSeed.ok) throw new Error('deriveId returned invalid base64url');
  return { deviceId: deviceIdFor(signing.publicKey), signing, box: boxKeyPairFromSeed(boxSeed.value) };
}

/** Adds the one-time key as an `invite` member; the caller seals the current key to it (handCurrentKey). */
export function createInvite(args: CreateInviteArgs): { link: string; oneTimeDeviceId: string } {
  const now = args.now ?? Date.now();
  const expiresAt = now + (args.ttlMs ?? DEFAULT_INVITE_TTL_MS);
  const oneTimeSeed = randomBytes(32);
  const oneTime = inviteIdentity(oneTimeSeed);
  const keys = { signingPublicKey: oneTime.signing.publicKey, boxPublicKey: oneTime.box.publicKey };
  const oneTimeDeviceId = addMember(args.plain, keys, 'invite', args.inviter, now, expiresAt);
  wipe(oneTime.signing.secretKey);
  wipe(oneTime.box.secretKey);
  args.sealed.flush();
  const link = createInviteLink(
    args.origin,
    {
      notebookId: args.notebookId,
      notebookName: args.notebookName,
      founderSigningPublicKey: args.founderSigningPublicKey,
      room: args.room,
      oneTimeSeed,
      expiresAt,
      signalingUrls: args.signalingUrls ?? [],
      relayUrls: args.relayUrls ?? [],
      strictMembers: memberPolicy(args.plain)?.strict() === true,
    },
    args.inviter,
  );
  wipe(oneTimeSeed);
  return { link, oneTimeDeviceId };
}

/**
 * Any member can withdraw an unused invite: it is marked removed, its keys leave the box, and
 * a signed revocation of it (readable without any key) tells a joiner at once.
 */
export function revokeInvite(nb: ShareMapsOf, oneTimeDeviceId: string, revoker: SigningKeyPair, now = Date.now()): boolean {
  if (readMember(nb.plain, oneTimeDeviceId)?.role !== 'invite' || !markMemberRemoved(nb.plain, oneTimeDeviceId, revoker, now)) return false;
  nb.box.transact(() => {
    writeRevocation(nb.box, nb.id, nb.meta, oneTimeDeviceId, revoker, now);
    dropKeyEnvelopes(nb.box, nb.id, nb.meta, oneTimeDeviceId);
  });
  return true;
}

/** A notebook's plain doc and box, with what its room seals the sharing maps with. */
interface ShareMapsOf {
  readonly id: string;
  readonly plain: Y.Doc;
  readonly box: Y.Doc;
  readonly meta: RoomMeta;
}

/** ShareMapsOf, opened by this device. */
interface ShareMapsOfSelf extends ShareMapsOf {
  readonly self: { readonly deviceId: string; readonly signing: SigningKeyPair };
}

/**
 * What a joiner can tell without any key: the invite was used (its one-time key revoked
 * itself on redemption) or withdrawn (someone else revoked it). Undefined while neither shows.
 */
export function closedInvite(box: Y.Doc, invite: Invite): 'E_INVITE_USED' | 'E_INVITE_REVOKED' | undefined {
  const inviteId = deviceIdFor(inviteIdentity(invite.oneTimeSeed).signing.publicKey);
  const of = listRevocations(box, invite.notebookId, roomMeta(invite.room)).filter((r) => r.removedDeviceId === inviteId);
  if (of.some((r) => r.signerDeviceId === inviteId)) return 'E_INVITE_USED';
  return of.length > 0 ? 'E_INVITE_REVOKED' : undefined;
}

/** Whether an invite may still be redeemed: listed, not used or withdrawn, not expired. */
export function inviteIsOpen(record: MemberRecord | undefined, now = Date.now()): boolean {
  if (record?.role !== 'invite' || record.removedAt !== undefined) return false;
  return now < (record.expiresAt ?? record.addedAt + DEFAULT_INVITE_TTL_MS);
}

/**
 * Marks expired invites removed and deletes every key envelope sealed to an invite that is
 * used, withdrawn or expired, so a link found later (a browser history) opens nothing that
 * was written after. Any member may drop the envelopes (the append-only rules accept these
 * deletes); in a strict notebook only an owner marks the record, since a member's would not
 * count and would only replace the owner's. Returns whether the plain doc changed (the caller
 * flushes).
 */
export function sweepInvites(nb: ShareMapsOfSelf, now = Date.now()): boolean {
  let changed = false;
  const marks = memberPolicy(nb.plain)?.strict() !== true || isCurrentOwner(nb.plain, nb.self.deviceId);
  for (const record of listMembers(nb.plain)) {
    if (record.role !== 'invite') continue;
    if (marks && record.removedAt === undefined && !inviteIsOpen(record, now)) changed = markMemberRemoved(nb.plain, record.deviceId, nb.self.signing, now) || changed;
    if (!inviteIsOpen(readMember(nb.plain, record.deviceId), now)) dropKeyEnvelopes(nb.box, nb.id, nb.meta, record.deviceId);
  }
  return changed;
}

/**
 * The keys sealed in the box to the invite's box key and signed by the link's inviter or
 * founder (pinned by the link's signature: before the joiner holds a key it can read no
 * member list to trust anyone else by). What a joiner opens the notebook with.
 */
export function openInviteKeys(box: Y.Doc, invite: Invite): { keyId: string; key: Uint8Array }[] {
  const identity = inviteIdentity(invite.oneTimeSeed);
  const anchors = [invite.inviterSigningPublicKey, invite.founderSigningPublicKey];
  const keys: { keyId: string; key: Uint8Array }[] = [];
  for (const { place, envelope } of keyEnvelopeEntries(box, invite.notebookId, roomMeta(invite.room))) {
    if (place.recipientDeviceId !== identity.deviceId) continue;
    const opened = openKeyEnvelope(envelope, place, identity.box);
    if (opened && anchors.some((anchor) => bytesEqual(anchor, opened.signerPublicKey))) keys.push({ keyId: place.keyId, key: opened.key });
  }
  wipe(identity.signing.secretKey);
  wipe(identity.box.secretKey);
  return keys;
}

/**
 * The joiner keeps the notebook in its vault doc: id, name, the founder to pin trust on and
 * the room, so every device of the joiner opens it the same way. False (nothing changed) when
 * the vault holds that notebook already.
 */
export function acceptInvite(vaultDoc: Y.Doc, invite: Invite, now = Date.now()): boolean {
  if (!addInvitedNotebook(vaultDoc, { id: invite.notebookId, name: invite.notebookName, founderSigningPublicKey: invite.founderSigningPublicKey, room: invite.room }, now)) return false;
  // Strict before any head arrives (a relay may withhold them all): unsigned records never count here.
  if (invite.strictMembers) setNotebookStrictMembers(vaultDoc, invite.notebookId);
  return true;
}

export type RedeemErrorCode = 'E_INVITE_PENDING' | 'E_INVITE_USED' | 'E_INVITE_REVOKED' | 'E_INVITE_INVITER';
export type RedeemResult = Result<{ deviceId: string }, RedeemErrorCode>;

/**
 * The joiner's side, after the box has synced into `plain` through a SealedDoc that holds
 * the key sealed to the invite and trusts `memberTrust(plain, founder)`. Writes the one
 * envelope signed by the one-time key, under `current` (the notebook's current key), and
 * deletes the key envelopes sealed to the invite: nobody may open them any more.
 */
export function redeemInvite(
  invite: Invite,
  plain: Y.Doc,
  box: Y.Doc,
  joiner: MemberKeys,
  current: { keyId: string; key: Uint8Array },
  now = Date.now(),
): RedeemResult {
  const oneTime = signingKeyPairFromSeed(invite.oneTimeSeed);
  const oneTimeId = deviceIdFor(oneTime.publicKey);
  const record = readMember(plain, oneTimeId);
  if (!record || record.role !== 'invite') return { ok: false, error: { code: 'E_INVITE_PENDING', message: 'the invite is not in the synced member list (yet)' } };
  if (record.removedAt !== undefined) {
    // A used invite's one-time key added exactly one device; a revoked one added none.
    const addedByIt = listMembers(plain).find((member) => member.addedBy === oneTimeId);
    if (addedByIt && addedByIt.deviceId === deviceIdFor(joiner.signingPublicKey)) return { ok: true, value: { deviceId: addedByIt.deviceId } };
    return addedByIt
      ? { ok: false, error: { code: 'E_INVITE_USED', message: 'the invite was already used by another device' } }
      : { ok: false, error: { code: 'E_INVITE_REVOKED', message: 'a member withdrew this invite' } };
  }
  // The invite's own entry can arrive before the rest of the member list (a live update ahead of the sync step).
  if (readMember(plain, deviceIdFor(invite.inviterSigningPublicKey)) === undefined && record.addedBy === deviceIdFor(invite.inviterSigningPublicKey)) {
    return { ok: false, error: { code: 'E_INVITE_PENDING', message: 'the inviter is not in the synced member list (yet)' } };
  }
  if (!isCurrentMember(plain, invite.inviterSigningPublicKey) || record.addedBy !== deviceIdFor(invite.inviterSigningPublicKey)) {
    return { ok: false, error: { code: 'E_INVITE_INVITER', message: 'the link names an inviter who did not make this invite' } };
  }
  // Edit a copy so the joiner's own SealedDoc does not seal this change as its own.
  const scratch = new Y.Doc();
  Y.applyUpdate(scratch, Y.encodeStateAsUpdate(plain));
  bindMemberPolicy(scratch, { notebookId: invite.notebookId, founder: invite.founderSigningPublicKey, strict: () => false });
  const before = Y.encodeStateVector(scratch);
  // The proof: the invite's record as its issuer signed it, so readers can check it was an owner.
  const proof = JSON.stringify((membersMap(plain).get(oneTimeId) as Y.Map<unknown>).toJSON());
  const deviceId = addMember(scratch, joiner, 'member', oneTime, now, undefined, proof);
  const stored = readRawMember(scratch, oneTimeId);
  if (stored) resignMember(scratch, stored, oneTime, { removedAt: now });
  const update = Y.encodeStateAsUpdate(scratch, before);
  scratch.destroy();
  const meta = roomMeta(invite.room);
  const writer = newWriter(oneTime, meta.slot);
  const envelope = sealEnvelope({
    key: current.key,
    keyId: current.keyId,
    plaintext: update,
    signer: oneTime,
    context: { notebookId: invite.notebookId, writerId: writer.writerId, seq: 1, purpose: 'update' },
  });
  box.transact(() => {
    boxMaps(box).entries.set(entryKey(writer.writerId, 1), envelope);
    // Readable without a notebook key, so whoever tries the link later is told at once it was used.
    writeRevocation(box, invite.notebookId, meta, oneTimeId, oneTime, now);
    dropKeyEnvelopes(box, invite.notebookId, meta, oneTimeId);
  });
  wipe(oneTime.secretKey);
  return { ok: true, value: { deviceId } };
}
