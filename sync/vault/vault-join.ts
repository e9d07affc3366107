import type * as Y from 'yjs';
import type { CryptoErrorCode, Result } from '../../crypto/index.ts';
import type { SyncErrorCode } from '../error-codes.ts';
import { parseInviteLink, type InviteErrorCode, type ParsedInvite } from '../share/invite-link.ts';
import { acceptInvite, closedInvite, inviteIdentity, openInviteKeys, redeemInvite, type RedeemErrorCode } from '../share/join-notebook.ts';
import { readMember } from '../share/members.ts';
import { chooseCurrentKey, pickUpNotebookKeys, type SharedNotebook } from '../share/rotate-key.ts';
import {
  addNotebookKey,
  devicesMap,
  holdsNotebook,
  isNotebookFounder,
  markNotebookDeleted,
  notebookAcceptedBy,
  notebookKeys,
  setNotebookAcceptedBy,
} from '../vault-doc/vault-doc.ts';

/**
 * Joining a notebook by invite on a Vault (sync/PROTOCOL.md "Joining"): the notebook goes
 * into the vault doc first, keyless, so startVaultSync starts replicating its box (peers, or
 * the relay while the inviter is offline); each box update then looks for the key the
 * inviter sealed to the invite, opens the notebook once it has it, and redeems the invite,
 * until that worked or `timeoutMs` passed.
 *
 * Note: a link never changes a notebook the vault already holds. A link naming another
 * founder for it (anyone who ever saw its id can sign one) used to re-pin the founder, which
 * quarantined the person's own history and let the link's author write and pick the key:
 * now it is refused with E_INVITE_ALREADY_JOINED and the entry is left as it is.
 */
export type JoinStage = 'accepted' | 'waiting' | 'redeemed';

export interface JoinOptions {
  readonly onProgress?: (stage: JoinStage) => void;
  /** How long to wait for the invite's key and member record; 60 s by default. */
  readonly timeoutMs?: number;
  readonly now?: number;
}

export const DEFAULT_JOIN_TIMEOUT_MS = 60_000;
/** How long a join that worked waits for the relay to store its redemption (see joinByInvite). */
export const REDEMPTION_DELIVERY_MS = 10_000;

export type JoinErrorCode = InviteErrorCode | RedeemErrorCode | 'E_SYNC_OFF' | 'E_INVITE_TIMEOUT' | 'E_INVITE_ALREADY_JOINED' | 'E_NOTEBOOK_UNKNOWN' | 'E_NOT_SHARED';
type JoinResult = Result<{ notebookId: string }, JoinErrorCode>;
const failed = (code: JoinErrorCode, message: string): JoinResult => ({ ok: false, error: { code, message } });

interface JoinedNotebook {
  readonly shared: SharedNotebook;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** What joining needs of the Vault (an interface here, so this file does not import vault.ts). */
export interface JoinHost {
  readonly doc: Y.Doc;
  readonly deviceId: string;
  syncing(): boolean;
  locked(): boolean;
  openNotebook(id: string): Promise<Result<JoinedNotebook, SyncErrorCode | CryptoErrorCode>>;
  /** The notebook's box (loaded and replicating while sync runs), before any key is known. */
  notebookBox(id: string): Promise<Y.Doc | undefined>;
  flushVault(): Promise<void>;
  /** Whether the relay stored this device's writes to the notebook's room, within `timeoutMs` (false: no relay, or not reachable). */
  relayDelivered(notebookId: string, timeoutMs: number): Promise<boolean>;
}

export async function joinByInvite(host: JoinHost, link: string, options: JoinOptions): Promise<JoinResult> {
  const parsed = parseInviteLink(link, options.now);
  if (!parsed.ok) return parsed;
  const invite = parsed.value;
  const { notebookId } = invite;
  if (!host.syncing()) return failed('E_SYNC_OFF', 'start sync (startVaultSync) before joining: the notebook comes from its other members');
  const heldBefore = holdsNotebook(host.doc, notebookId);
  if (heldBefore) {
    if (!isNotebookFounder(host.doc, notebookId, invite.founderSigningPublicKey)) {
      return failed('E_INVITE_ALREADY_JOINED', 'you already have a notebook with this id; this link names another founder for it, so nothing was changed');
    }
    if (await ownDeviceIsMember(host, notebookId)) return failed('E_INVITE_ALREADY_JOINED', 'you already have this notebook');
    // A join of this notebook that a lock (or another of this person's devices) left unfinished: go on with it.
  } else {
    acceptInvite(host.doc, invite);
    setNotebookAcceptedBy(host.doc, notebookId, host.deviceId);
    await host.flushVault();
  }
  options.onProgress?.('accepted');
  const loaded = await host.notebookBox(notebookId);
  if (!loaded) return failed('E_NOTEBOOK_UNKNOWN', `No notebook ${notebookId} in this vault.`);
  const box = loaded;
  options.onProgress?.('waiting');

  let opened: JoinedNotebook | undefined;
  const outcome = await new Promise<JoinResult>((resolve) => {
    let done = false;
    let opening = false;
    const finish = (result: JoinResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      box.off('afterTransaction', attempt);
      host.doc.off('update', attempt);
      box.off('destroy', onLock);
      resolve(result);
    };
    function attempt(): void {
      if (done || opening) return;
      // Accepted on another of this person's devices: that one redeems (one link, one device),
      // then adds this one (addOwnDevices); the key reaches this vault doc meanwhile.
      const redeemsHere = notebookAcceptedBy(host.doc, notebookId) === host.deviceId;
      if (redeemsHere) takeInviteKeys(host.doc, box, invite);
      if (!notebookKeys(host.doc, notebookId)) {
        // No key, and none will come: the invite shows (without any key) that it is closed.
        const closed = redeemsHere ? closedInvite(box, invite) : undefined;
        if (closed) finish(failed(closed, closedMessage(closed)));
        return;
      }
      if (opened) return step(opened, redeemsHere);
      opening = true;
      void host.openNotebook(notebookId).then((result) => {
        opening = false;
        if (!result.ok) return finish(failed(result.error.code === 'E_NOT_SHARED' ? 'E_NOT_SHARED' : 'E_NOTEBOOK_UNKNOWN', result.error.message));
        opened = result.value;
        step(opened, redeemsHere);
      });
    }
    function step(nb: JoinedNotebook, redeemsHere: boolean): void {
      if (done) return;
      const { shared } = nb;
      // Joined already, here or on this person's other device (which adds this one to the
      // members, addOwnDevices): redeeming would only find the invite used.
      if (ownDeviceIsMemberOf(shared.plain, host.doc)) return finish({ ok: true, value: { notebookId } });
      if (!redeemsHere) return;
      // Keys sealed to the invite since the link was made (a rotation), then the current one.
      pickUpNotebookKeys({ ...shared, self: inviteIdentity(invite.oneTimeSeed) }, [invite.founderSigningPublicKey, invite.inviterSigningPublicKey]);
      chooseCurrentKey(shared);
      const joiner = { signingPublicKey: shared.self.signing.publicKey, boxPublicKey: shared.self.box.publicKey };
      const redeemed = redeemInvite(invite, shared.plain, shared.box, joiner, shared.keyring.current());
      if (redeemed.ok) return finish({ ok: true, value: { notebookId } });
      // Pending, yet closed where it shows without a key (a rotation may hide the member list).
      const closed = redeemed.error.code === 'E_INVITE_PENDING' ? closedInvite(shared.box, invite) : redeemed.error.code;
      if (closed) finish(failed(closed, closedMessage(closed)));
    }
    const timer = setTimeout(
      () => finish(failed('E_INVITE_TIMEOUT', 'the invite did not arrive: is the inviter (or the relay) reachable?')),
      options.timeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS,
    );
    // lock() destroys the box: the join ends now, not when the timer fires on a locked vault.
    const onLock = (): void => finish(failed('E_SYNC_OFF', 'the vault was locked while joining'));
    box.on('afterTransaction', attempt);
    host.doc.on('update', attempt);
    box.on('destroy', onLock);
    attempt();
  });
  if (!outcome.ok) {
    // Locked: the vault doc is gone; the entry stays and a later join with the link resumes.
    if (host.locked()) return outcome;
    await opened?.close();
    if (heldBefore) return outcome;
    // Nothing was written in the notebook; take it off the list so the person can retry.
    markNotebookDeleted(host.doc, notebookId);
    await host.flushVault();
    return outcome;
  }
  await opened?.flush();
  await host.flushVault();
  // The redemption is the invite's "used" mark for everyone else: a join that resolved before
  // the relay stored it let a third device that tried the link just after in (the redemption
  // went out on the socket that was read-only until this device held the key, and reached the
  // relay only after the reconnect with its write token). Bounded: a relay that is not
  // reachable now gets it on the next connection, and peers may carry it meanwhile.
  await host.relayDelivered(notebookId, REDEMPTION_DELIVERY_MS);
  options.onProgress?.('redeemed');
  return outcome;
}

function closedMessage(code: RedeemErrorCode): string {
  if (code === 'E_INVITE_USED') return 'the invite was already used by another device';
  if (code === 'E_INVITE_REVOKED') return 'a member withdrew this invite';
  return code === 'E_INVITE_INVITER' ? 'the link names an inviter who did not make this invite' : 'the invite is not in the synced member list (yet)';
}

/** The key the inviter sealed to the invite goes into the vault doc entry, so the notebook can be opened. */
function takeInviteKeys(vaultDoc: Y.Doc, box: Y.Doc, invite: ParsedInvite): void {
  const have = notebookKeys(vaultDoc, invite.notebookId)?.keys;
  for (const { keyId, key } of openInviteKeys(box, invite)) if (!have?.has(keyId)) addNotebookKey(vaultDoc, invite.notebookId, keyId, key, false);
}

async function ownDeviceIsMember(host: JoinHost, notebookId: string): Promise<boolean> {
  if (!notebookKeys(host.doc, notebookId)) return false;
  const opened = await host.openNotebook(notebookId);
  return opened.ok && ownDeviceIsMemberOf(opened.value.shared.plain, host.doc);
}

function ownDeviceIsMemberOf(plain: Y.Doc, vaultDoc: Y.Doc): boolean {
  return [...devicesMap(vaultDoc).keys()].some((deviceId) => {
    const record = readMember(plain, deviceId);
    return record !== undefined && record.role !== 'invite' && record.removedAt === undefined;
  });
}
