import { createSignal, Show } from 'solid-js';

/** Shown once, right after the vault is created (or a new key made, or the vault key rotated): the only way back in without the passphrase, on any of the person's devices. */
export function RecoveryKeyScreen(props: { recoveryKey: string; onSaved: () => void; title?: string; note?: string }) {
  const [saved, setSaved] = createSignal(false);
  const [copied, setCopied] = createSignal(false);
  const copy = async () => {
    await navigator.clipboard?.writeText(props.recoveryKey);
    setCopied(true);
  };
  return (
    <main class="center">
      <section class="card" aria-labelledby="recovery-title">
        <h1 id="recovery-title">{props.title ?? 'Save your recovery key'}</h1>
        <Show when={props.note}>
          {(note) => (
            <p class="notice" role="status">
              {note()}
            </p>
          )}
        </Show>
        <p class="hint">
          If you forget your passphrase, this key is the only way to open your vault. It is one key for all your devices: devices you
          link later use it too. Write it down or keep it in a password manager. It is shown only now.
        </p>
        <output class="recovery-key" data-testid="recovery-key">
          {props.recoveryKey}
        </output>
        <button type="button" onClick={() => void copy()}>
          {copied() ? 'Copied' : 'Copy'}
        </button>
        <label class="check">
          <input type="checkbox" checked={saved()} onChange={(e) => setSaved(e.currentTarget.checked)} />I saved my recovery key somewhere safe
        </label>
        <button type="button" class="primary" disabled={!saved()} onClick={() => props.onSaved()}>
          Continue
        </button>
      </section>
    </main>
  );
}
