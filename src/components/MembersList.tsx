import { createResource, createSignal, For, Show } from 'solid-js';
import type { OnlineDevice } from '../../sync/replication/replicate-box.ts';
import type { MemberView } from '../../sync/vault/vault-members.ts';
import type { OpenNotebook } from '../../sync/vault/notebook-registry.ts';
import type { Vault } from '../../sync/vault/vault.ts';
import { docVersion } from '../app/doc-version.ts';
import { messageFor } from '../app/messages.ts';

const ROLE: Record<MemberView['role'], string> = { owner: 'owner', member: 'member', invite: 'unused invite link' };

/** Who can write in this notebook: devices (and open invite links), with Remove for owners. */
export function MembersList(props: { vault: Vault; notebook: OpenNotebook; online: OnlineDevice[] }) {
  const version = docVersion(props.notebook.doc);
  // Names of the person's own devices come from the vault doc (device-names.ts).
  const vaultVersion = docVersion(props.vault.doc);
  const [members] = createResource(
    () => version() + vaultVersion() + 1,
    async () => {
      const listed = await props.vault.sharing.members(props.notebook.id);
      if (!listed.ok) throw new Error(messageFor(listed.error.code, listed.error.message));
      return listed.value.filter((m) => m.removedAt === undefined);
    },
  );
  // Records the owner's signed list names that have not reached this device (sync/share/member-head.ts).
  const [missing] = createResource(
    () => version() + 1,
    async () => {
      const found = await props.vault.sharing.missingMembers(props.notebook.id);
      return found.ok ? found.value.length : 0;
    },
  );
  const [confirming, setConfirming] = createSignal<string>();
  const [problem, setProblem] = createSignal<string>();
  const [notice, setNotice] = createSignal<string>();
  const nameOf = (m: MemberView) =>
    m.self ? 'This device'
    : m.name ?? props.online.find((d) => d.deviceId === m.deviceId)?.deviceName ?? (m.role === 'invite' ? 'Invite link' : `Device ${m.deviceId.slice(0, 6)}`);
  const iAmOwner = () => members()?.some((m) => m.self && m.role === 'owner') ?? false;

  const remove = async (deviceId: string) => {
    setProblem(undefined);
    setNotice(undefined);
    const done = m(deviceId)?.role === 'invite' ? await props.vault.sharing.revokeInvite(props.notebook.id, deviceId) : await props.vault.sharing.removeMember(props.notebook.id, deviceId);
    // A removal waits for the relay; another confirmation opened meanwhile stays open.
    setConfirming((open) => (open === deviceId ? undefined : open));
    if (!done.ok) setProblem(messageFor(done.error.code, done.error.message));
    else if ('rotated' in done.value && !done.value.rotated) setNotice('Withdrawn. Only an owner can also change the notebook key; ask one to, in case the link was seen by someone else.');
  };
  const m = (deviceId: string) => members()?.find((x) => x.deviceId === deviceId);
  const approve = async (deviceId: string) => {
    setProblem(undefined);
    const done = await props.vault.sharing.approveMember(props.notebook.id, deviceId);
    if (!done.ok) setProblem(messageFor(done.error.code, done.error.message));
  };

  return (
    <section class="sync-section" aria-labelledby="members-title">
      <h3 id="members-title">Members</h3>
      <Show when={!members.error} fallback={<p class="error" role="alert">{String(members.error)}</p>}>
        <ul class="member-list">
          <For each={members()} fallback={<li class="empty">Only this device so far.</li>}>
            {(member) => (
              <li data-device-id={member.deviceId}>
                <span class="member-name">{nameOf(member)}</span>
                <span class="hint">
                  {member.pending ? 'waiting for an owner to approve' : ROLE[member.role]}
                  {member.ownDevice && !member.self ? ' · your device' : ''}
                </span>
                <Show when={member.pending && iAmOwner()}>
                  <button type="button" onClick={() => void approve(member.deviceId)} aria-label={`Approve ${nameOf(member)}`}>
                    Approve
                  </button>
                </Show>
                <Show when={!member.self && !member.pending && (iAmOwner() || member.role === 'invite')}>
                  <Show
                    when={confirming() === member.deviceId}
                    fallback={
                      <button type="button" onClick={() => setConfirming(member.deviceId)} aria-label={`${member.role === 'invite' ? 'Withdraw' : 'Remove'} ${nameOf(member)}`}>
                        {member.role === 'invite' ? 'Withdraw' : 'Remove'}
                      </button>
                    }
                  >
                    <div class="member-confirm" role="group" aria-label={`Confirm removing ${nameOf(member)}`}>
                      <p>
                        {member.role === 'invite'
                          ? 'Withdraw this invite link? Nobody can join with it afterwards, and the notebook key is changed in case someone else saw the link.'
                          : `Remove ${nameOf(member)}? The notebook key will be rotated: it keeps what it already has, but cannot read or write anything new.`}
                      </p>
                      <button type="button" class="danger" onClick={() => void remove(member.deviceId)}>
                        {member.role === 'invite' ? 'Withdraw' : 'Remove and rotate key'}
                      </button>
                      <button type="button" onClick={() => setConfirming(undefined)}>
                        Cancel
                      </button>
                    </div>
                  </Show>
                </Show>
              </li>
            )}
          </For>
        </ul>
        <Show when={(missing() ?? 0) > 0}>
          <p class="error" role="alert" data-testid="members-incomplete">
            {messageFor('E_MEMBERS_INCOMPLETE', '')} ({missing()} missing)
          </p>
        </Show>
        <Show when={members() && !members()?.some((m) => m.self)}>
          <p class="hint" data-testid="not-yet-member">
            This device is not a member yet: your device that answered its link adds it, and the list shows it once that has
            synced.
          </p>
        </Show>
        <Show when={members()?.some((m) => m.self && m.pending)}>
          <p class="hint" data-testid="waiting-for-owner">
            Your other device added this one, but you are not an owner of this notebook: an owner has to approve it before what
            it writes reaches the others.
          </p>
        </Show>
      </Show>
      <Show when={problem()}>{(text) => <p class="error" role="alert">{text()}</p>}</Show>
      <Show when={notice()}>{(text) => <p class="hint" role="status">{text()}</p>}</Show>
    </section>
  );
}
