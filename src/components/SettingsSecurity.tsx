import { createMemo, createSignal, For, onCleanup, Show } from 'solid-js';
import type { Vault } from '../../sync/vault/vault.ts';
import type { VaultKeyRotation as Rotation } from '../../sync/vault/vault-key-rotation.ts';
import { docVersion } from '../app/doc-version.ts';
import { errorCode, messageFor } from '../app/messages.ts';
import type { SessionLockWhy } from '../app/session.ts';
import { passphraseStrength } from '../app/passphrase-strength.ts';
import { AUTO_LOCK_CHOICES, type AppSettings, type AutoLockMinutes } from '../app/settings-store.ts';
import type { SyncService } from '../app/sync-service.ts';
import { VaultKeyRotation } from './VaultKeyRotation.tsx';

const MIN_LENGTH = 10;
const lockLabel = (m: AutoLockMinutes) => (m === 0 ? 'Never' : m === 1 ? 'After 1 minute' : `After ${m} minutes`);

/**
 * Passphrase, recovery key, vault-key rotation and auto-lock. Each section says what it
 * changes and what it does not: the first two re-wrap the same vault key (so an old backup
 * still opens with the old secret); only a rotation changes the key.
 */
export function SettingsSecurity(props: {
  vault: Vault;
  settings: AppSettings;
  onChange: (patch: Partial<AppSettings>) => Promise<void>;
  onRecoveryKey: (key: string) => void;
  sync?: SyncService | undefined;
  onRotated: (rotation: Rotation) => void;
  /** The vault was locked (`stale`: this tab's header is stale, lock only this tab). */
  onLocked: (reason: string, why?: SessionLockWhy) => void;
  onBusy?: (busy: boolean) => void;
}) {
  const [oldPass, setOldPass] = createSignal('');
  const [newPass, setNewPass] = createSignal('');
  const [repeat, setRepeat] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [passProblem, setPassProblem] = createSignal<string>();
  const [passDone, setPassDone] = createSignal(false);
  const [confirmRegenerate, setConfirmRegenerate] = createSignal(false);
  const [keyProblem, setKeyProblem] = createSignal<string>();
  const strength = () => passphraseStrength(newPass());
  // The vault's recovery key arrives with the vault doc and is adopted into this device's header.
  const docChanged = docVersion(props.vault.doc);
  const [headerTick, setHeaderTick] = createSignal(0);
  onCleanup(props.vault.secrets.onHeaderChange(() => setHeaderTick((t) => t + 1)));
  const recoveryState = createMemo(() => {
    docChanged();
    headerTick();
    const state = props.vault.secrets.recoveryKeyState();
    if (!state.shared) return 'Your devices each have their own recovery key (they were set up before one key served them all). Create a new recovery key to have one that opens every device.';
    return state.here
      ? `Recovery key no. ${state.version} of your vault opens this device and each of your devices once it has synced.`
      : `Your vault's recovery key no. ${state.version} has not reached this device yet: it arrives when this device syncs.`;
  });

  const changePassphrase = async (event: SubmitEvent) => {
    event.preventDefault();
    setPassDone(false);
    const problem =
      newPass().length < MIN_LENGTH ? `Use at least ${MIN_LENGTH} characters.`
      : newPass() !== repeat() ? 'The two new passphrases are different.'
      : undefined;
    setPassProblem(problem);
    if (problem) return;
    setBusy(true);
    try {
      const checked = await props.vault.secrets.checkPassphrase(oldPass());
      if (!checked.ok) {
        if (checked.error.code === 'E_VAULT_HEADER_CHANGED') props.onLocked(messageFor(checked.error.code, checked.error.message), 'stale');
        else setPassProblem(messageFor(checked.error.code, checked.error.message));
        return;
      }
      const changed = await props.vault.secrets.changePassphrase(newPass());
      if (!changed.ok) {
        if (changed.error.code === 'E_VAULT_HEADER_CHANGED') props.onLocked(messageFor(changed.error.code, changed.error.message), 'stale');
        else setPassProblem(messageFor(changed.error.code, changed.error.message));
        return;
      }
      setOldPass('');
      setNewPass('');
      setRepeat('');
      setPassDone(true);
    } catch (e) {
      setPassProblem(messageFor(errorCode(e), e instanceof Error ? e.message : undefined));
    } finally {
      setBusy(false);
    }
  };

  const regenerate = async () => {
    setBusy(true);
    setKeyProblem(undefined);
    try {
      const fresh = await props.vault.secrets.regenerateRecoveryKey();
      if (fresh.ok) props.onRecoveryKey(fresh.value);
      else if (fresh.error.code === 'E_VAULT_HEADER_CHANGED') props.onLocked(messageFor(fresh.error.code, fresh.error.message), 'stale');
      else setKeyProblem(messageFor(fresh.error.code, fresh.error.message));
    } catch (e) {
      setKeyProblem(messageFor(errorCode(e), e instanceof Error ? e.message : undefined));
    } finally {
      setBusy(false);
      setConfirmRegenerate(false);
    }
  };

  return (
    <section class="settings-section" id="settings-security" aria-labelledby="settings-security-title">
      <h2 id="settings-security-title">Security</h2>

      <h3>Passphrase</h3>
      <p class="hint" data-testid="passphrase-hint">
        Changing the passphrase re-wraps the same vault key under the new one. It does not change the key: an old backup, or a copy of
        this browser's storage made before, still opens with the old passphrase. If the old one may have been seen, also rotate the
        vault key (below).
      </p>
      <form class="settings-form" onSubmit={(e) => void changePassphrase(e)}>
        <label for="old-passphrase">Current passphrase</label>
        <input id="old-passphrase" type="password" autocomplete="current-password" value={oldPass()} onInput={(e) => setOldPass(e.currentTarget.value)} required />
        <label for="new-passphrase">New passphrase</label>
        <input id="new-passphrase" type="password" autocomplete="new-password" value={newPass()} onInput={(e) => setNewPass(e.currentTarget.value)} required />
        <div class="strength" data-level={newPass() ? strength().level : undefined} aria-live="polite">
          {newPass() ? `Strength: ${strength().label}` : `At least ${MIN_LENGTH} characters; several words are easiest to remember.`}
        </div>
        <label for="repeat-passphrase">Repeat new passphrase</label>
        <input id="repeat-passphrase" type="password" autocomplete="new-password" value={repeat()} onInput={(e) => setRepeat(e.currentTarget.value)} required />
        <Show when={passProblem()}>{(text) => <p class="error" role="alert">{text()}</p>}</Show>
        <Show when={passDone()}>
          <p class="ok" role="status">
            Passphrase changed. Use the new one from now on; your recovery key still works. Old backups still open with the old
            passphrase.
          </p>
        </Show>
        <div class="row">
          <button type="submit" class="primary" disabled={busy()}>
            {busy() ? 'Working…' : 'Change passphrase'}
          </button>
        </div>
      </form>

      <h3>Recovery key</h3>
      <p class="hint" data-testid="recovery-hint">
        Your vault has one recovery key for every device. A new one replaces it on every device of yours: the old key stops opening
        this one at once and each other device when it next syncs. It re-wraps the same vault key, so an old backup still opens with
        the old key. If the old one may have been seen, rotate the vault key instead (below): that gives you a new recovery key too.
      </p>
      <p class="hint" role="status" data-testid="recovery-state">
        {recoveryState()}
      </p>
      <Show
        when={confirmRegenerate()}
        fallback={
          <div class="row">
            <button type="button" onClick={() => setConfirmRegenerate(true)} disabled={busy()}>
              Create a new recovery key…
            </button>
          </div>
        }
      >
        <div class="row" role="group" aria-label="Confirm new recovery key">
          <button type="button" class="danger" onClick={() => void regenerate()} disabled={busy()}>
            Replace my recovery key
          </button>
          <button type="button" onClick={() => setConfirmRegenerate(false)}>
            Cancel
          </button>
        </div>
      </Show>
      <Show when={keyProblem()}>{(text) => <p class="error" role="alert">{text()}</p>}</Show>

      <VaultKeyRotation vault={props.vault} sync={props.sync} onRotated={props.onRotated} onLocked={props.onLocked} onBusy={props.onBusy} />

      <h3>Auto-lock</h3>
      <label for="auto-lock">Lock when idle</label>
      <select
        id="auto-lock"
        value={String(props.settings.autoLockMinutes)}
        onChange={(e) => void props.onChange({ autoLockMinutes: Number(e.currentTarget.value) as AutoLockMinutes })}
      >
        <For each={AUTO_LOCK_CHOICES}>{(m) => <option value={String(m)}>{lockLabel(m)}</option>}</For>
      </select>
      <p class="hint">Locking saves what you were writing first.</p>
    </section>
  );
}
