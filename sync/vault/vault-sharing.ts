import type * as Y from 'yjs';
import { approveMember } from '../share/member-requests.ts';
import { handCurrentKey } from '../share/rotate-key.ts';
import type { AttachedSync } from './attached-sync.ts';
import type { NotebookRegistry } from './notebook-registry.ts';
import { notebookRoom } from '../vault-doc/vault-doc.ts';
import { joinByInvite, type JoinOptions } from './vault-join.ts';
import { createNotebookInvite, listNotebookMembers, missingNotebookMembers, removeNotebookMember, revokeNotebookInvite, type InviteOptions, type MemberView } from './vault-members.ts';
import type { VaultResult } from './vault-result.ts';

/** What sharing needs of the vault. */
export interface VaultSharingHost {
  /** The plain vault doc (a joined notebook is recorded there). */
  readonly doc: Y.Doc;
  readonly deviceId: string;
  readonly notebooks: Pick<NotebookRegistry, 'open' | 'list' | 'loadBox'>;
  /** Seals everything pending and waits until it is on disk. */
  flush(): Promise<void>;
  /** The running sync, if any (startVaultSync attaches it). */
  sync(): AttachedSync | undefined;
  /** Locked or locking: a pending join must not write any more. */
  closing(): boolean;
  assertUnlocked(): void;
}

/** Other people's devices in this vault's notebooks: invites, joins and the member lists (sync/share). */
export class VaultSharing {
  readonly #host: VaultSharingHost;

  constructor(host: VaultSharingHost) {
    this.#host = host;
  }

  /**
   * A link `<origin>/#/join/...` that lets one other person's device join this notebook
   * (sync/share/join-notebook.ts). It carries the notebook's founding key, so the joiner
   * finds the room; the current key is sealed to the invite in the box.
   */
  async createInvite(notebookId: string, options: InviteOptions): Promise<VaultResult<{ link: string; inviteId: string }>> {
    const opened = await this.#host.notebooks.open(notebookId);
    if (!opened.ok) return opened;
    const name = this.#host.notebooks.list().find((nb) => nb.id === notebookId)?.name ?? '';
    return createNotebookInvite(opened.value, name, this.#host.doc, options);
  }

  /**
   * Withdraws an unused invite; its link stops working for anyone who has not joined. An
   * owner also rotates the key (the link may have leaked): `rotated` says whether it did.
   */
  async revokeInvite(notebookId: string, inviteId: string): Promise<VaultResult<{ rotated: boolean }>> {
    const opened = await this.#host.notebooks.open(notebookId);
    if (!opened.ok) return opened;
    const revoked = revokeNotebookInvite(opened.value, inviteId);
    await this.#host.flush();
    await this.#host.sync()?.settled(notebookId);
    return revoked;
  }

  /**
   * Joins another person's notebook from an invite link: records it in the vault doc,
   * waits until replication (startVaultSync must run) brought the invite's member record,
   * redeems it with this device's keys and flushes. See sync/vault/vault-join.ts.
   */
  async joinByInvite(link: string, options: JoinOptions = {}): Promise<VaultResult<{ notebookId: string }>> {
    this.#host.assertUnlocked();
    const { doc, notebooks } = this.#host;
    return joinByInvite(
      {
        doc,
        deviceId: this.#host.deviceId,
        syncing: () => this.#host.sync() !== undefined,
        locked: () => this.#host.closing(),
        openNotebook: (id) => notebooks.open(id),
        notebookBox: async (id) => (notebookRoom(doc, id) ? (await notebooks.loadBox(id)).box : undefined),
        flushVault: () => this.#host.flush(),
        relayDelivered: async (id, timeoutMs) => (await this.#host.sync()?.delivered(id, timeoutMs)) ?? false,
      },
      link,
      options,
    );
  }

  /** Every device in the notebook's member list (removed ones too, with removedAt). */
  async members(notebookId: string): Promise<VaultResult<MemberView[]>> {
    const opened = await this.#host.notebooks.open(notebookId);
    if (!opened.ok) return opened;
    return { ok: true, value: listNotebookMembers(opened.value.shared) };
  }

  /** Devices the owner-signed head of the member list names that this device has not received (`E_MEMBERS_INCOMPLETE`). */
  async missingMembers(notebookId: string): Promise<VaultResult<string[]>> {
    const opened = await this.#host.notebooks.open(notebookId);
    if (!opened.ok) return opened;
    return { ok: true, value: missingNotebookMembers(opened.value.shared) };
  }

  /**
   * An owner approves a device a member that is not an owner added (one of that member's own
   * devices, it says): it becomes a member, never an owner (sync/share/member-requests.ts).
   */
  async approveMember(notebookId: string, deviceId: string): Promise<VaultResult<{ deviceId: string }>> {
    const opened = await this.#host.notebooks.open(notebookId);
    if (!opened.ok) return opened;
    const approved = approveMember(opened.value.shared, deviceId);
    if (approved.ok) handCurrentKey(opened.value.shared);
    await this.#host.flush();
    return approved;
  }

  /**
   * Removes a member device and rotates the notebook key (removeMemberAndRotate): the new
   * key goes to every remaining member, a snapshot under it replaces the box's entries.
   */
  async removeMember(notebookId: string, deviceId: string): Promise<VaultResult<{ keyId: string }>> {
    const opened = await this.#host.notebooks.open(notebookId);
    if (!opened.ok) return opened;
    const removed = removeNotebookMember(opened.value.shared, deviceId);
    await this.#host.flush();
    // From here the removed device's writes are refused by the relay too.
    await this.#host.sync()?.settled(notebookId);
    return removed;
  }
}
