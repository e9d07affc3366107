import * as Y from 'yjs';
import {
  boxKeyPairFromSeed,
  deriveId,
  fromBase64Url,
  randomBytes,
  sealEnvelope,
  signingKeyPairFromSeed,
  wipe,
  type BoxKeyPair,
  type SigningKeyPair,
} from '../../crypto/index.ts';
import { boxMaps, entryKey } from '../sealed/box-layout.ts';
import type { Keyring } from '../sealed/keyring.ts';
import type { SealedDoc } from '../sealed/sealed-doc.ts';
import { deviceIdFor, newWriter } from '../sealed/writer.ts';
import { addJoinedNotebook, setNotebookFounder } from '../vault/vault-doc.ts';
import { createInviteLink, type Invite } from './invite-link.ts';
import { addMember, isCurrentMember, listMembers, markMemberRemoved, readMember, type MemberKeys } from './members.ts';

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
 * Who holds the link can read the notebook anyway (the link carries the key); the one-time
 * key adds write access for one device, visible in the member list, and any member can
 * remove it (revokeInvite) before or after it is used.
 */
export const DEFAULT_INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

export interface CreateInviteArgs {
  readonly origin: string;
  readonly notebookId: string;
  readonly notebookName: string;
  readonly founderDeviceId: string;
  readonly plain: Y.Doc;
  readonly sealed: SealedDoc;
  readonly keyring: Keyring;
  readonly inviter: SigningKeyPair;
  readonly ttlMs?: number;
  readonly now?: number;
  readonly signalingUrls?: readonly string[];
  readonly relayUrls?: readonly string[];
  /**
   * The key the link carries; the current key by default. The Vault passes the notebook's
   * founding key (its room key, vault-doc.ts notebookRoomKey) so the joiner finds the room,
   * and hands the current key to the invite (rotate-key.ts handCurrentKey).
   */
  readonly linkKey?: { readonly keyId: string; readonly key: Uint8Array };
}

/**
 * The identity an invite's seed stands for: the one-time signing key, and a box key pair
 * derived from the same seed (separate purpose) so that a rotation between invite and
 * redemption can seal the new key to the invite (rotate-key.ts handCurrentKey). Without it
 * the joiner would hold only the old key and could not read the member list it must join.
 */
export function inviteIdentity(oneTimeSeed: Uint8Array): { deviceId: string; signing: SigningKeyPair; box: BoxKeyPair } {
  const signing = signingKeyPairFromSeed(oneTimeSeed);
  const boxSeed = fromBase64Url(deriveId(oneTimeSeed, 'invite-box-seed', ''));
  if (!boxSeed.ok) throw new Error('deriveId returned invalid base64url');
  return { deviceId: deviceIdFor(signing.publicKey), signing, box: boxKeyPairFromSeed(boxSeed.value) };
}

export function createInvite(args: CreateInviteArgs): { link: string; oneTimeDeviceId: string } {
  const now = args.now ?? Date.now();
  const oneTimeSeed = randomBytes(32);
  const oneTime = inviteIdentity(oneTimeSeed);
  const keys = { signingPublicKey: oneTime.signing.publicKey, boxPublicKey: oneTime.box.publicKey };
  const oneTimeDeviceId = addMember(args.plain, keys, 'invite', deviceIdFor(args.inviter.publicKey), now);
  wipe(oneTime.signing.secretKey);
  wipe(oneTime.box.secretKey);
  args.sealed.flush();
  const { keyId, key } = args.linkKey ?? args.keyring.current();
  const link = createInviteLink(
    args.origin,
    {
      notebookId: args.notebookId,
      notebookName: args.notebookName,
      keyId,
      key,
      founderDeviceId: args.founderDeviceId,
      oneTimeSeed,
      expiresAt: now + (args.ttlMs ?? DEFAULT_INVITE_TTL_MS),
      signalingUrls: args.signalingUrls ?? [],
      relayUrls: args.relayUrls ?? [],
    },
    args.inviter,
  );
  wipe(oneTimeSeed);
  return { link, oneTimeDeviceId };
}

/** Any member can withdraw an unused (or used) invite key. */
export function revokeInvite(plain: Y.Doc, oneTimeDeviceId: string, now = Date.now()): boolean {
  return readMember(plain, oneTimeDeviceId)?.role === 'invite' && markMemberRemoved(plain, oneTimeDeviceId, now);
}

/**
 * The joiner keeps the notebook in its vault doc: id, name, key and the founder to pin
 * trust on, so every device of the joiner opens it the same way.
 */
export function acceptInvite(vaultDoc: Y.Doc, invite: Invite, now = Date.now()): void {
  vaultDoc.transact(() => {
    addJoinedNotebook(vaultDoc, invite.notebookId, invite.notebookName, invite.keyId, invite.key, now);
    setNotebookFounder(vaultDoc, invite.notebookId, invite.founderDeviceId);
  });
}

export type RedeemErrorCode = 'E_INVITE_PENDING' | 'E_INVITE_USED' | 'E_INVITE_REVOKED' | 'E_INVITE_INVITER';
export type RedeemResult = { ok: true; value: { deviceId: string } } | { ok: false; error: { code: RedeemErrorCode; message: string } };

/**
 * The joiner's side, after the box has synced into `plain` through a SealedDoc that holds
 * the invite's key and trusts `memberTrust(plain, invite.founderDeviceId)`. Writes the one
 * envelope signed by the one-time key; the joiner's SealedDoc applies it like any entry.
 * `current` is the key to seal under when a rotation handed the invite a newer one.
 */
export function redeemInvite(
  invite: Invite,
  plain: Y.Doc,
  box: Y.Doc,
  joiner: MemberKeys,
  now = Date.now(),
  current: { keyId: string; key: Uint8Array } = { keyId: invite.keyId, key: invite.key },
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
  if (!isCurrentMember(plain, invite.inviterSigningPublicKey) || record.addedBy !== deviceIdFor(invite.inviterSigningPublicKey)) {
    return { ok: false, error: { code: 'E_INVITE_INVITER', message: 'the link names an inviter who did not make this invite' } };
  }
  // Edit a copy so the joiner's own SealedDoc does not seal this change as its own.
  const scratch = new Y.Doc();
  Y.applyUpdate(scratch, Y.encodeStateAsUpdate(plain));
  const before = Y.encodeStateVector(scratch);
  const deviceId = addMember(scratch, joiner, 'member', oneTimeId, now);
  markMemberRemoved(scratch, oneTimeId, now);
  const update = Y.encodeStateAsUpdate(scratch, before);
  scratch.destroy();
  const writer = newWriter(oneTime);
  const envelope = sealEnvelope({
    key: current.key,
    keyId: current.keyId,
    plaintext: update,
    signer: oneTime,
    context: { notebookId: invite.notebookId, writerId: writer.writerId, seq: 1, purpose: 'update' },
  });
  boxMaps(box).entries.set(entryKey(writer.writerId, 1), envelope);
  wipe(oneTime.secretKey);
  return { ok: true, value: { deviceId } };
}
