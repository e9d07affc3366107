import { createSignal, Show } from 'solid-js';
import type { Vault } from '../../sync/vault/vault.ts';
import type { VaultKeyRotation as Rotation } from '../../sync/vault/vault-key-rotation.ts';
import type { VaultKeyRotationPreview } from '../../sync/vault/vault-rotation.ts';
import { errorCode, messageFor } from '../app/messages.ts';
import type { SessionLockWhy } from '../app/session.ts';
import type { SyncService } from '../app/sync-service.ts';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Settings → Security → "Rotate the vault key" (sync/vault/vault-key-rotation.ts). Behind a
 * confirmation that says what it protects against and what it costs; the person types the
 * passphrase again, which also wraps the new key. Sync stops while it runs.
 */
export function VaultKeyRotation(props: {
  vault: Vault;
  sync?: SyncService | undefined;
  onRotated: (rotation: Rotation) => void;
  /** The rotation failed after it had begun: the vault locked itself. */
  onLocked: (reason: string, why?: SessionLockWhy) => void;
  onBusy?: (busy: boolean) => void;
}) {
  const [preview, setPreview] = createSignal<VaultKeyRotationPreview>();
  const [passphrase, setPassphrase] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<string>();

  const working = async <T,>(work: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    props.onBusy?.(true);
    setProblem(undefined);
    try {
      return await work();
    } catch (e) {
      setProblem(messageFor(errorCode(e), e instanceof Error ? e.message : undefined));
      return undefined;
    } finally {
      setBusy(false);
      props.onBusy?.(false);
    }
  };

  const ask = () => void working(async () => setPreview(await props.vault.rotation.preview()));
  const cancel = () => {
    setPreview(undefined);
    setPassphrase('');
    setProblem(undefined);
  };

  const rotate = async (event: SubmitEvent) => {
    event.preventDefault();
    const typed = passphrase();
    const result = await working(() => (props.sync ? props.sync.whileStopped(() => props.vault.rotation.rotate(typed)) : props.vault.rotation.rotate(typed)));
    if (!result) return;
    if (result.ok) {
      setPassphrase('');
      setPreview(undefined);
      props.onRotated(result.value);
      return;
    }
    const message = messageFor(result.error.code, result.error.message);
    if (result.error.code === 'E_VAULT_HEADER_CHANGED') props.onLocked(message, 'stale');
    else if (props.vault.locked) props.onLocked(`The vault key was not changed, and the vault was locked. ${message}`);
    else setProblem(message);
  };

  return (
    <>
      <h3 id="rotate-title">Rotate the vault key</h3>
      <p class="hint">
        For when your passphrase or recovery key may have been seen, or a device or backup file of yours was lost. It replaces the key
        that opens your vault with a new random one.
      </p>
      <Show
        when={preview()}
        fallback={
          <div class="row">
            <button type="button" onClick={ask} disabled={busy()}>
              {busy() ? 'Working…' : 'Rotate the vault key…'}
            </button>
          </div>
        }
      >
        {(p) => (
          <form class="settings-form rotate-confirm" aria-labelledby="rotate-confirm-title" onSubmit={(e) => void rotate(e)}>
            <p id="rotate-confirm-title">
              <strong>Before you rotate the vault key</strong>
            </p>
            <ul class="hint" data-testid="rotate-consequences">
              <li>
                It protects against someone who has your old passphrase or old recovery key together with an old copy of your vault (a
                backup file, a copy of this browser's storage, one of your devices): they cannot read anything written from now on in this
                vault or in the notebooks you own.
              </li>
              <li data-testid="rotate-devices">
                {p().otherDevices === 0
                  ? 'No other device of yours uses this vault.'
                  : `Your ${plural(p().otherDevices, 'other device is', 'other devices are')} signed out: they keep what they already have and get nothing new. Link each one again as a new device (clear Obscura's site data in that browser first).`}
              </li>
              <li data-testid="rotate-kept">
                {p().notebooksKeepingKey === 0
                  ? 'Every notebook you have is yours: each gets a new key that your old devices do not get.'
                  : `${plural(p().notebooksKeepingKey, 'shared notebook is', 'shared notebooks are')} owned by someone else and keep their key: ask ${p().notebooksKeepingKey === 1 ? 'its owner' : `the owners of those ${p().notebooksKeepingKey} notebooks`} to remove your old devices. Each notebook you own gets a new key.`}
              </li>
              <li>Old backups still open with your old passphrase or old recovery key, but hold nothing written from now on. Make a new backup afterwards.</li>
              <li>Your passphrase stays the same. You get a new recovery key, shown once; the old one stops opening this vault.</li>
              <li>Sync pauses while it runs.</li>
            </ul>
            <label for="rotate-passphrase">Type your passphrase to confirm</label>
            <input
              id="rotate-passphrase"
              type="password"
              autocomplete="current-password"
              value={passphrase()}
              onInput={(e) => setPassphrase(e.currentTarget.value)}
              required
            />
            <Show when={problem()}>{(text) => <p class="error" role="alert">{text()}</p>}</Show>
            <div class="row">
              <button type="submit" class="danger" disabled={busy()}>
                {busy() ? 'Rotating…' : 'Rotate the vault key'}
              </button>
              <button type="button" onClick={cancel} disabled={busy()}>
                Cancel
              </button>
            </div>
          </form>
        )}
      </Show>
      <Show when={!preview() && problem()}>{(text) => <p class="error" role="alert">{text()}</p>}</Show>
    </>
  );
}
