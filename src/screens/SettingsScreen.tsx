import { createEffect, createSignal, onCleanup, onMount, Show } from 'solid-js';
import type { Vault } from '../../sync/vault/vault.ts';
import type { VaultKeyRotation } from '../../sync/vault/vault-key-rotation.ts';
import type { SyncService } from '../app/sync-service.ts';
import type { SessionLockWhy } from '../app/session.ts';
import { appSettings, updateSettings, type AppSettings } from '../app/settings-store.ts';
import type { TaggingService } from '../app/tagging-service.ts';
import { SettingsBackup } from '../components/SettingsBackup.tsx';
import { SettingsModels } from '../components/SettingsModels.tsx';
import { SettingsSecurity } from '../components/SettingsSecurity.tsx';
import { SettingsSync } from '../components/SettingsSync.tsx';
import { SettingsOriginals } from '../components/SettingsOriginals.tsx';
import { TopBar } from '../components/TopBar.tsx';
import type { KeepOriginalsDefault } from '../../sync/storage/keep-originals-default.ts';
import type { OriginalsService } from '../app/originals-service.ts';
import { RecoveryKeyScreen } from './RecoveryKeyScreen.tsx';

/** This device's settings: models, sync servers, security. Every change is saved at once, sealed. */
export function SettingsScreen(props: {
  vault: Vault;
  tagging: TaggingService;
  originals: OriginalsService;
  keepDefault: KeepOriginalsDefault | undefined;
  notice?: string;
  onClose: () => void;
  onLock: (reason?: string, why?: SessionLockWhy) => void;
  sync?: SyncService | undefined;
  /** True while a new recovery key is shown: auto-lock must wait until it is saved. */
  onHoldLock?: (hold: boolean) => void;
}) {
  const [status, setStatus] = createSignal<string>();
  const [newRecoveryKey, setNewRecoveryKey] = createSignal<string>();
  const [rotated, setRotated] = createSignal<VaultKeyRotation>();
  const [rotating, setRotating] = createSignal(false);
  createEffect(() => props.onHoldLock?.(newRecoveryKey() !== undefined || rotating()));
  onCleanup(() => props.onHoldLock?.(false));
  let heading: HTMLHeadingElement | undefined;
  onMount(() => heading?.focus());

  let clearStatus: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(clearStatus));
  const update = async (patch: Partial<AppSettings>): Promise<void> => {
    setStatus(undefined);
    clearTimeout(clearStatus);
    try {
      await updateSettings(props.vault, patch);
      setStatus('Saved');
      clearStatus = setTimeout(() => setStatus(undefined), 4000);
    } catch (e) {
      setStatus(`Not saved: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  return (
    <Show
      when={newRecoveryKey()}
      fallback={
        <div class="settings-page">
          <TopBar brandIsHeading={false} onLock={() => props.onLock()}>
            <button type="button" onClick={() => props.onClose()}>
              Back to notebooks
            </button>
          </TopBar>
          <main class="settings" aria-labelledby="settings-title">
            <h1 id="settings-title" tabindex="-1" ref={heading}>
              Settings
            </h1>
            <p class="hint">These settings belong to this device and are stored encrypted on it.</p>
            <nav class="settings-nav" aria-label="Settings sections">
              <a href="#settings-models">Models</a>
              <a href="#settings-originals">Photos</a>
              <a href="#settings-sync">Sync</a>
              <a href="#settings-security">Security</a>
              <a href="#settings-backup">Backup</a>
            </nav>
            <Show when={rotated()}>
              {(r) => (
                <p class="notice" role="status" data-testid="rotation-done">
                  {rotationSummary(r())}
                </p>
              )}
            </Show>
            <Show when={props.notice}>
              {(text) => (
                <p class="notice" role="status">
                  {text()}
                </p>
              )}
            </Show>
            <p class="save-state" role="status" aria-live="polite">
              {status() ?? ''}
            </p>
            <SettingsModels vault={props.vault} settings={appSettings()} tagging={props.tagging} onChange={update} />
            <SettingsOriginals settings={appSettings()} keepDefault={props.keepDefault} originals={props.originals} onChange={update} />
            <SettingsSync settings={appSettings()} onChange={update} />
            <SettingsSecurity
              vault={props.vault}
              settings={appSettings()}
              onChange={update}
              onRecoveryKey={(key) => (setRotated(undefined), setNewRecoveryKey(key))}
              sync={props.sync}
              onRotated={(rotation) => (setRotated(rotation), setNewRecoveryKey(rotation.recoveryKey))}
              onLocked={(reason, why) => props.onLock(reason, why)}
              onBusy={setRotating}
            />
            <SettingsBackup vault={props.vault} />
          </main>
        </div>
      }
    >
      {(key) => (
        <RecoveryKeyScreen
          recoveryKey={key()}
          onSaved={() => setNewRecoveryKey(undefined)}
          note={
            rotated()
              ? 'The vault key was rotated. Your old recovery key no longer opens this vault (an old backup still opens with it, but holds nothing written from now on); this one does. Your passphrase is unchanged.'
              : 'This key replaces your old recovery key on every device of yours: the old one stops opening this device now and your other devices when they next sync.'
          }
          {...(rotated() ? { title: 'Save your new recovery key' } : {})}
        />
      )}
    </Show>
  );
}

function rotationSummary(r: VaultKeyRotation): string {
  const parts = ['Vault key rotated.'];
  const n = r.signedOut.length;
  if (n > 0) parts.push(`${n} other ${n === 1 ? 'device was' : 'devices were'} signed out: link ${n === 1 ? 'it' : 'them'} again as new devices.`);
  if (r.keptNotebooks > 0) parts.push(`Ask the owners of ${r.keptNotebooks} shared ${r.keptNotebooks === 1 ? 'notebook' : 'notebooks'} to remove your old devices.`);
  parts.push('Make a new backup: older ones hold nothing written from now on.');
  if (r.cleanupPending) parts.push('Some old copies could not be removed yet; that finishes the next time you unlock.');
  return parts.join(' ');
}
