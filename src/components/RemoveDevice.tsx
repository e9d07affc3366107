import { createSignal, Show } from 'solid-js';
import type { Vault } from '../../sync/vault/vault.ts';
import type { VaultKeyRotation } from '../../sync/vault/vault-key-rotation.ts';
import { errorCode, messageFor } from '../app/messages.ts';
import type { SyncService } from '../app/sync-service.ts';

/**
 * "Remove this device" for one of the person's other devices (vault.removal.removeDevice): a lost or
 * stolen one. Behind a confirmation that says what happens to it and to the others; the
 * person types the passphrase, which wraps the new vault key. Sync stops while it runs. The
 * new recovery key is shown once, in the panel.
 */
export function RemoveDevice(props: { vault: Vault; sync: SyncService; deviceId: string; name: string; onRemoved: (removal: VaultKeyRotation) => void }) {
  const [asking, setAsking] = createSignal(false);
  const [passphrase, setPassphrase] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<string>();
  const fieldId = `remove-passphrase-${props.deviceId}`;

  const remove = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const typed = passphrase();
      const result = await props.sync.whileStopped(() => props.vault.removal.removeDevice(props.deviceId, typed));
      if (result.ok) {
        setPassphrase('');
        setAsking(false);
        props.onRemoved(result.value);
      } else setProblem(messageFor(result.error.code, result.error.message));
    } catch (e) {
      setProblem(messageFor(errorCode(e), e instanceof Error ? e.message : undefined));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Show
      when={asking()}
      fallback={
        <button type="button" class="danger" onClick={() => setAsking(true)} aria-label={`Remove ${props.name} from your devices`}>
          Remove this device…
        </button>
      }
    >
      <form class="settings-form remove-device" onSubmit={(e) => void remove(e)} aria-label={`Remove ${props.name} from your devices`}>
        <ul class="hint" data-testid="remove-consequences">
          <li>{props.name} gets nothing new from now on, and nothing it writes is accepted: for a lost or stolen device.</li>
          <li>It keeps what it already has. To use it again, link it as a new device.</li>
          <li>Your other devices keep working: each asks for your passphrase once, the next time it is unlocked, and which device you keep (this one).</li>
          <li>You get a new recovery key, shown once; the old one stops opening your vault. Your passphrase stays the same.</li>
          <li>Shared notebooks owned by someone else keep their key: ask their owners to remove {props.name}.</li>
        </ul>
        <label for={fieldId}>Type your passphrase to confirm</label>
        <input id={fieldId} type="password" autocomplete="current-password" value={passphrase()} onInput={(e) => setPassphrase(e.currentTarget.value)} required />
        <Show when={problem()}>{(text) => <p class="error" role="alert">{text()}</p>}</Show>
        <div class="row">
          <button type="submit" class="danger" disabled={busy()}>
            {busy() ? 'Removing…' : `Remove ${props.name} from your devices`}
          </button>
          <button type="button" onClick={() => (setAsking(false), setPassphrase(''), setProblem(undefined))} disabled={busy()}>
            Cancel
          </button>
        </div>
      </form>
    </Show>
  );
}
