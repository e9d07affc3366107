import type * as Y from 'yjs';
import { parseInviteLink } from '../share/invite-link.ts';
import { acceptInvite, inviteIdentity, redeemInvite, type RedeemErrorCode } from '../share/join-notebook.ts';
import type { InviteErrorCode } from '../share/invite-link.ts';
import { readMember } from '../share/members.ts';
import { pickUpNotebookKeys, type SharedNotebook } from '../share/rotate-key.ts';
import { devicesMap, listNotebooks, markNotebookDeleted, notebookAcceptedBy, setNotebookAcceptedBy } from './vault-doc.ts';

/**
 * Joining a notebook by invite on a Vault (sync/PROTOCOL.md "Vault sync"): the notebook goes
 * into the vault doc first, so startVaultSync starts replicating its box (peers, or the
 * relay while the inviter is offline); each box update then retries the pickup of keys
 * sealed to the invite (a rotation since the link was made) and the redemption, until the
 * invite's member record has arrived or `timeoutMs` passed.
 */
export type JoinStage = 'accepted' | 'waiting' | 'redeemed';

export interface JoinOptions {
  readonly onProgress?: (stage: JoinStage) => void;
  /** How long to wait for the invite's member record; 60 s by default. */
  readonly timeoutMs?: number;
  readonly now?: number;
}

export const DEFAULT_JOIN_TIMEOUT_MS = 60_000;

export type JoinErrorCode = InviteErrorCode | RedeemErrorCode | 'E_SYNC_OFF' | 'E_INVITE_TIMEOUT' | 'E_NOTEBOOK_UNKNOWN' | 'E_NOT_SHARED';
type JoinResult = { ok: true; value: { notebookId: string } } | { ok: false; error: { code: JoinErrorCode; message: string } };

/** What joining needs of the Vault (an interface here, so this file does not import vault.ts). */
export interface JoinHost {
  readonly doc: Y.Doc;
  readonly deviceId: string;
  syncing(): boolean;
  locked(): boolean;
  openNotebook(id: string): Promise<{ ok: true; value: { shared: SharedNotebook; flush(): Promise<void>; close(): Promise<void> } } | { ok: false; error: { code: 'E_NOTEBOOK_UNKNOWN' | 'E_NOT_SHARED' | string; message: string } }>;
  flushVault(): Promise<void>;
}

export async function joinByInvite(host: JoinHost, link: string, options: JoinOptions): Promise<JoinResult> {
  const invite = parseInviteLink(link, options.now);
  if (!invite.ok) return invite;
  const parsed = invite.value;
  const { notebookId } = parsed;
  if (!host.syncing()) return { ok: false, error: { code: 'E_SYNC_OFF', message: 'start sync (startVaultSync) before joining: the notebook comes from its other members' } };
  const listedBefore = listNotebooks(host.doc).some((nb) => nb.id === notebookId);
  acceptInvite(host.doc, parsed);
  setNotebookAcceptedBy(host.doc, notebookId, host.deviceId);
  await host.flushVault();
  options.onProgress?.('accepted');
  const opened = await host.openNotebook(notebookId);
  if (!opened.ok) return { ok: false, error: { code: opened.error.code === 'E_NOT_SHARED' ? 'E_NOT_SHARED' : 'E_NOTEBOOK_UNKNOWN', message: opened.error.message } };
  const nb = opened.value.shared;
  options.onProgress?.('waiting');

  const anchors = [parsed.founderDeviceId, parsed.inviterDeviceId];
  const asInvite = { ...nb, self: inviteIdentity(parsed.oneTimeSeed) };
  const joiner = { signingPublicKey: nb.self.signing.publicKey, boxPublicKey: nb.self.box.publicKey };
  const outcome = await new Promise<JoinResult>((resolve) => {
    let done = false;
    const finish = (result: JoinResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      nb.box.off('afterTransaction', attempt);
      nb.box.off('destroy', onLock);
      resolve(result);
    };
    function attempt(): void {
      // Redeeming writes to the box, which calls this again: the guard stops the echo.
      if (done) return;
      // Joined already, here or on this person's other device (which adds this one to the
      // members, addOwnDevices): redeeming would only find the invite used.
      if (ownDeviceIsMember(nb.plain, host.doc)) return finish({ ok: true, value: { notebookId } });
      // Accepted on another of this person's devices: that one redeems (one link, one device).
      if (notebookAcceptedBy(host.doc, notebookId) !== host.deviceId) return;
      pickUpNotebookKeys(asInvite, anchors);
      const redeemed = redeemInvite(parsed, nb.plain, nb.box, joiner, Date.now(), nb.keyring.current());
      if (redeemed.ok) return finish({ ok: true, value: { notebookId } });
      if (redeemed.error.code !== 'E_INVITE_PENDING') finish(redeemed);
    }
    const timer = setTimeout(
      () => finish({ ok: false, error: { code: 'E_INVITE_TIMEOUT', message: 'the invite did not arrive: is the inviter (or the relay) reachable?' } }),
      options.timeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS,
    );
    // lock() destroys the box: the join ends now, not when the timer fires on a locked vault.
    const onLock = (): void => finish({ ok: false, error: { code: 'E_SYNC_OFF', message: 'the vault was locked while joining' } });
    nb.box.on('afterTransaction', attempt);
    nb.box.on('destroy', onLock);
    attempt();
  });
  if (!outcome.ok) {
    // Locked: the vault doc is gone; the entry stays and a later join with the link resumes.
    if (host.locked()) return outcome;
    // Nothing was written in the notebook; take it off the list so the person can retry.
    await opened.value.close();
    if (listedBefore) return outcome;
    markNotebookDeleted(host.doc, notebookId);
    await host.flushVault();
    return outcome;
  }
  await opened.value.flush();
  await host.flushVault();
  options.onProgress?.('redeemed');
  return outcome;
}

function ownDeviceIsMember(plain: Y.Doc, vaultDoc: Y.Doc): boolean {
  return [...devicesMap(vaultDoc).keys()].some((deviceId) => {
    const record = readMember(plain, deviceId);
    return record !== undefined && record.role !== 'invite' && record.removedAt === undefined;
  });
}
