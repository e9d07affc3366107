import { createMemo, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { docVersion } from '../app/doc-version.ts';
import type { ReplicationStatus } from '../../sync/replication/replicate-box.ts';
import type { OpenNotebook } from '../../sync/vault/notebook-registry.ts';
import type { Vault } from '../../sync/vault/vault.ts';
import type { VaultKeyRotation } from '../../sync/vault/vault-key-rotation.ts';
import { deviceFingerprint } from '../../sync/vault/handover-choice.ts';
import { messageFor } from '../app/messages.ts';
import type { QuarantineCode } from '../../sync/sealed/sealed-doc.ts';
import { relativeTime } from '../app/relative-time.ts';
import type { SyncService } from '../app/sync-service.ts';
import { DeviceLinkAnswer } from './DeviceLinkAnswer.tsx';
import { InvitePanel } from './InvitePanel.tsx';
import { MembersList } from './MembersList.tsx';
import { RemoveDevice } from './RemoveDevice.tsx';
import { SyncTransfers, type PendingTransfers } from './SyncTransfers.tsx';
import { SyncCopies } from './SyncCopies.tsx';
import type { KeeperProgress } from '../../sync/blob/originals-keeper.ts';
import type { CopyCounts } from '../../sync/notebook/holdings.ts';

export interface SyncPanelProps {
  readonly sync: SyncService;
  readonly vault: Vault;
  /** The notebook on screen; the panel shows its room, members and invite. */
  readonly notebook?: OpenNotebook;
  readonly notebookName?: string;
  /** Photo transfers of the notebook on screen, when blob sync runs for it. */
  readonly transfers?: () => PendingTransfers | undefined;
  /** Photos of the notebook on screen held by one device only (originals-service.ts). */
  readonly copies?: () => CopyCounts | undefined;
  /** Keeping originals on this device, when the setting is on. */
  readonly keeping?: () => KeeperProgress | undefined;
  /** A device-link request opened from a `#/link-device/` link. */
  readonly deviceRequest?: string;
  onClose(): void;
}

const RELAY: Record<ReplicationStatus['relay'], string> = { connected: 'connected', connecting: 'connecting…', offline: 'not reachable' };

/**
 * The sync drawer (a modal dialog: Escape closes it, focus returns to the Sync button):
 * this device, who is online in this notebook, the relay, the last sync, photo transfers,
 * photos on one device only,
 * quarantined entries, the invite link and QR, members, and linking a new device.
 */
export function SyncPanel(props: SyncPanelProps) {
  let dialog: HTMLDialogElement | undefined;
  const [now, setNow] = createSignal(Date.now());
  const clock = setInterval(() => setNow(Date.now()), 5000);
  onCleanup(() => clearInterval(clock));
  onMount(() => dialog?.showModal());

  const id = () => props.notebook?.id;
  const status = () => (id() ? props.sync.status(id()!) : undefined);
  const online = () => (id() ? props.sync.onlineDevices(id()!) : []);
  const others = () => online().filter((d) => !d.self);
  const [name, setName] = createSignal(props.sync.deviceName());
  const [linking, setLinking] = createSignal(props.deviceRequest !== undefined);
  // The person's devices with their names and last-seen times come from the vault doc.
  const vaultChanged = docVersion(props.vault.doc);
  const ownDevices = createMemo(() => (vaultChanged(), props.vault.locked ? [] : props.vault.devices.list()));

  // Quarantine changes arrive through the SealedDoc, not the plain doc.
  const [quarantineTick, setQuarantineTick] = createSignal(0);
  const offQuarantine = props.notebook?.sealed.onChange(() => setQuarantineTick((t) => t + 1));
  onCleanup(() => offQuarantine?.());
  const quarantined = createMemo(() => {
    quarantineTick();
    const counts = new Map<QuarantineCode, number>();
    for (const entry of props.notebook?.sealed.quarantine.values() ?? []) counts.set(entry.code, (counts.get(entry.code) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1]);
  });
  // Staleness is re-read whenever entries arrive or the transport reports a sync.
  const stale = createMemo(() => (quarantineTick(), status()?.lastSyncAt, props.notebook?.sealed.stale));

  const [removal, setRemoval] = createSignal<VaultKeyRotation>();
  const [renamed, setRenamed] = createSignal<'saved' | { problem: string }>();
  const rename = (event: SubmitEvent) => {
    event.preventDefault();
    props.sync.setDeviceName(name()).then(
      () => {
        setName(props.sync.deviceName());
        setRenamed('saved');
      },
      (e: unknown) => setRenamed({ problem: `Not saved: ${e instanceof Error ? e.message : String(e)}` }),
    );
  };

  return (
    <dialog ref={dialog} class="sync-panel" aria-labelledby="sync-title" onClose={() => props.onClose()}>
      <header class="sync-header">
        <h2 id="sync-title">Sync{props.notebookName ? ` · ${props.notebookName}` : ''}</h2>
        <button type="button" onClick={() => dialog?.close()} aria-label="Close sync panel">
          Close
        </button>
      </header>

      <Show when={props.sync.error()}>{(text) => <p class="error" role="alert">{text()}</p>}</Show>

      <section class="sync-section" aria-labelledby="this-device-title">
        <h3 id="this-device-title">This device</h3>
        <form class="inline-form" onSubmit={rename}>
          <label for="device-name" class="visually-hidden">
            Device name
          </label>
          <input id="device-name" autocomplete="off" value={name()} onInput={(e) => setName(e.currentTarget.value)} maxLength={60} />
          <button type="submit" disabled={name().trim() === props.sync.deviceName()}>
            Rename
          </button>
        </form>
        <p class="hint" role="status">
          {(() => {
            const state = renamed();
            if (state === 'saved') return 'Saved. Your other devices list the new name once they sync; other people’s devices see it from the next time you unlock Obscura here.';
            return state?.problem ?? 'Your other devices and the other devices in your notebooks see this name. Servers do not: it travels encrypted. It is stored encrypted on this device.';
          })()}
        </p>
        <p class="hint">
          This device’s code: <code data-testid="device-code">{deviceFingerprint(props.vault.deviceId)}</code>. If another device ever asks which device
          you keep, the code it shows for this one must be this one: a name can be copied, the code cannot.
        </p>
      </section>

      <section class="sync-section" aria-labelledby="own-devices-title">
        <h3 id="own-devices-title">Your devices</h3>
        <ul class="device-list">
          <For each={ownDevices()}>
            {(device) => (
              <li data-device-id={device.deviceId}>
                <span class="device-name">{device.name ?? `Device ${device.deviceId.slice(0, 6)}`}</span>{' '}
                <code class="hint device-code">{deviceFingerprint(device.deviceId)}</code>{' '}
                <span class="hint last-seen">{device.self ? 'this device' : `seen ${relativeTime(device.lastSeen, now())}`}</span>
                <Show when={!device.self}>
                  {' '}
                  <RemoveDevice
                    vault={props.vault}
                    sync={props.sync}
                    deviceId={device.deviceId}
                    name={device.name ?? `Device ${device.deviceId.slice(0, 6)}`}
                    onRemoved={setRemoval}
                  />
                </Show>
              </li>
            )}
          </For>
        </ul>
        <p class="hint">Seen: when that device was last unlocked, by its clock.</p>
        <Show when={removal()}>
          {(r) => (
            <div class="notice" role="status" data-testid="device-removed">
              <p>
                Removed. {r().handedTo.length === 0 ? 'No other device of yours needed the new key.' : `Your ${r().handedTo.length === 1 ? 'other device asks' : `${r().handedTo.length} other devices ask`} for your passphrase once, the next time ${r().handedTo.length === 1 ? 'it is' : 'they are'} unlocked, and which device you keep: keep this one.`}
                {r().keptNotebooks > 0 ? ` Ask the owners of ${r().keptNotebooks} shared ${r().keptNotebooks === 1 ? 'notebook' : 'notebooks'} to remove it too.` : ''}
              </p>
              <p>Your new recovery key (shown only now; the old one no longer opens your vault):</p>
              <output class="recovery-key" data-testid="recovery-key">
                {r().recoveryKey}
              </output>
              <button type="button" onClick={() => setRemoval(undefined)}>
                I saved it
              </button>
            </div>
          )}
        </Show>
      </section>

      <Show when={props.notebook} fallback={<p class="empty">Open a notebook to see who it syncs with.</p>}>
        {(notebook) => (
          <>
            <section class="sync-section" aria-labelledby="sync-status-title">
              <h3 id="sync-status-title">Status</h3>
              <dl class="sync-status" data-relay={status()?.relay ?? 'off'}>
                <dt>Relay</dt>
                <dd data-testid="relay-state">{status() ? RELAY[status()!.relay] : props.sync.running() ? 'starting…' : 'sync is off'}</dd>
                <dt>Connected directly</dt>
                <dd data-testid="peer-count">{status()?.peers ?? 0}</dd>
                <dt>Last sync</dt>
                <dd data-testid="last-sync">{relativeTime(status()?.lastSyncAt, now())}</dd>
              </dl>
              <Show when={stale()}>{(s) => <p class="error" role="status" data-code={s().code}>{messageFor(s().code)}</p>}</Show>
            </section>

            <section class="sync-section" aria-labelledby="online-title">
              <h3 id="online-title">Online now</h3>
              <ul class="online-list">
                <For each={others()} fallback={<li class="empty">No other device is online in this notebook.</li>}>
                  {(device) => (
                    <li data-device-id={device.deviceId}>
                      <span class="online-dot" aria-hidden="true" />
                      {device.deviceName}
                    </li>
                  )}
                </For>
              </ul>
            </section>

            <SyncTransfers pending={props.transfers?.()} />
            <SyncCopies copies={props.copies?.()} keeping={props.keeping?.()} />

            <section class="sync-section" aria-labelledby="quarantine-title">
              <h3 id="quarantine-title">Set aside</h3>
              <Show when={quarantined().length > 0} fallback={<p class="hint">Nothing set aside: every change that arrived could be checked and applied.</p>}>
                <p class="hint">
                  These changes arrived but were not applied: this device could not open or verify them. They are kept here and
                  never change your notes; some open by themselves later (for example when a key arrives).
                </p>
                <ul class="quarantine-list">
                  <For each={quarantined()}>
                    {([code, count]) => (
                      <li data-code={code}>
                        <strong>{count}</strong> {messageFor(code)}
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            </section>

            <InvitePanel vault={props.vault} notebookId={notebook().id} urls={props.sync.urls()} />
            <MembersList vault={props.vault} notebook={notebook()} online={online()} />
          </>
        )}
      </Show>

      <Show
        when={linking()}
        fallback={
          <section class="sync-section">
            <button type="button" onClick={() => setLinking(true)}>
              Link a device
            </button>
          </section>
        }
      >
        <DeviceLinkAnswer vault={props.vault} {...(props.deviceRequest ? { initialRequest: props.deviceRequest } : {})} />
      </Show>
    </dialog>
  );
}
