import type * as Y from 'yjs';
import type { Result } from '../../crypto/index.ts';
import { createInvite, revokeInvite } from '../share/join-notebook.ts';
import { isCurrentOwner, listMembers, memberPolicy, readMember, type MemberRole } from '../share/members.ts';
import { memberListStatus } from '../share/member-head.ts';
import { pendingMembers } from '../share/member-requests.ts';
import { handCurrentKey, removeMemberAndRotate, type SharedNotebook } from '../share/rotate-key.ts';
import { deviceName } from './device-names.ts';
import { devicesMap, notebookFounder, notebookFounderKey, notebookRoom } from '../vault-doc/vault-doc.ts';

/** What an invite link tells the joiner about where to find the room. */
export interface InviteOptions {
  /** Where the app is served; the link is `<origin>/#/join/...`. */
  readonly origin: string;
  readonly signalingUrls: readonly string[];
  readonly relayUrls: readonly string[];
  /** 7 days by default (join-notebook.ts DEFAULT_INVITE_TTL_MS). */
  readonly ttlMs?: number;
  readonly now?: number;
}

/** One row of a notebook's member list, as the sync panel shows it. */
export interface MemberView {
  readonly deviceId: string;
  readonly role: MemberRole;
  /** Device id of the member who added it (its own id for the founder; an invite's id for a joiner). */
  readonly addedBy: string;
  readonly addedAt: number;
  readonly removedAt?: number;
  /** This very device. */
  readonly self: boolean;
  /** One of this person's devices (the vault doc lists it). */
  readonly ownDevice: boolean;
  /** The person's name for it, when it is one of their devices and has one (device-names.ts). */
  readonly name?: string;
  /** Added by a member that is not an owner: not a member until an owner approves it (member-requests.ts). */
  readonly pending?: true;
}

interface Opened {
  readonly id: string;
  readonly shared: SharedNotebook;
  flush(): Promise<void>;
}

export function createNotebookInvite(nb: Opened, name: string, vaultDoc: Y.Doc, options: InviteOptions): Result<{ link: string; inviteId: string }, 'E_NOTEBOOK_UNKNOWN' | 'E_NOT_OWNER'> {
  const room = notebookRoom(vaultDoc, nb.id);
  const founder = founderKeyOf(nb.shared, vaultDoc);
  if (!room || !founder) return { ok: false, error: { code: 'E_NOTEBOOK_UNKNOWN', message: `No notebook ${nb.id} in this vault.` } };
  const { shared } = nb;
  // A strict notebook counts only an owner's invite (sync/share/member-authority.ts).
  if (memberPolicy(shared.plain)?.strict() === true && !isCurrentOwner(shared.plain, shared.self.deviceId)) {
    return { ok: false, error: { code: 'E_NOT_OWNER', message: 'only an owner of this notebook can invite' } };
  }
  const { link, oneTimeDeviceId } = createInvite({
    origin: options.origin,
    notebookId: nb.id,
    notebookName: name,
    founderSigningPublicKey: founder,
    room,
    plain: shared.plain,
    sealed: shared.sealed,
    inviter: shared.self.signing,
    signalingUrls: options.signalingUrls,
    relayUrls: options.relayUrls,
    ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  // The link carries no key: the current one is sealed to the invite in the box.
  handCurrentKey(shared);
  shared.sealed.flush();
  return { ok: true, value: { link, inviteId: oneTimeDeviceId } };
}

/**
 * The founder's signing key: pinned in the vault doc, or (a notebook from before it was
 * pinned) the key its member record holds, which hashes to the pinned id.
 */
function founderKeyOf(shared: SharedNotebook, vaultDoc: Y.Doc): Uint8Array | undefined {
  const id = notebookFounder(vaultDoc, shared.id);
  return notebookFounderKey(vaultDoc, shared.id) ?? (id === undefined ? undefined : readMember(shared.plain, id)?.signingPublicKey);
}

/**
 * Withdraws an unused invite. Its link may have leaked and whoever holds it may have read
 * the key sealed to it, so an owner also rotates (a new key epoch caused by the invite); a
 * member who is not an owner can only withdraw it (`rotated: false`: an owner should rotate).
 */
export function revokeNotebookInvite(nb: Opened, inviteId: string): Result<{ rotated: boolean }, 'E_MEMBER_UNKNOWN'> {
  const { shared } = nb;
  if (readMember(shared.plain, inviteId)?.role !== 'invite' || readMember(shared.plain, inviteId)?.removedAt !== undefined) {
    return { ok: false, error: { code: 'E_MEMBER_UNKNOWN', message: 'no open invite with this id' } };
  }
  revokeInvite(shared, inviteId, shared.self.signing);
  const rotated = isCurrentOwner(shared.plain, shared.self.deviceId) && removeMemberAndRotate(shared, inviteId).ok;
  shared.sealed.flush();
  return { ok: true, value: { rotated } };
}

export function listNotebookMembers(shared: SharedNotebook): MemberView[] {
  const own = devicesMap(shared.vaultDoc);
  const pending = pendingMembers(shared.plain).map((m) => ({ ...m, pending: true as const }));
  return [...listMembers(shared.plain), ...pending].map((m) => ({
    deviceId: m.deviceId,
    role: m.role,
    addedBy: m.addedBy,
    addedAt: m.addedAt,
    ...(m.removedAt === undefined ? {} : { removedAt: m.removedAt }),
    self: m.deviceId === shared.self.deviceId,
    ownDevice: own.has(m.deviceId),
    ...nameOf(shared.vaultDoc, m.deviceId),
    ...('pending' in m ? { pending: true as const } : {}),
  }));
}

/** The device ids the owner-signed head names that this device has not received (member-head.ts). */
export function missingNotebookMembers(shared: SharedNotebook): string[] {
  const status = memberListStatus(shared);
  return status.ok ? [] : status.error.missing;
}

function nameOf(vaultDoc: Y.Doc, deviceId: string): { name?: string } {
  const name = deviceName(vaultDoc, deviceId);
  return name === undefined ? {} : { name };
}

export function removeNotebookMember(shared: SharedNotebook, deviceId: string): Result<{ keyId: string }, 'E_MEMBER_UNKNOWN' | 'E_NOT_OWNER'> {
  const record = readMember(shared.plain, deviceId);
  if (!record || record.removedAt !== undefined || deviceId === shared.self.deviceId) {
    return { ok: false, error: { code: 'E_MEMBER_UNKNOWN', message: 'not a current member other than this device' } };
  }
  return removeMemberAndRotate(shared, deviceId);
}
