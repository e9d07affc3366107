import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import type { Session } from '../app/session.ts';
import type { UnlockSecret } from '../../sync/vault/unlock-vault.ts';
import { HandoverQuestion } from '../components/HandoverQuestion.tsx';

const MIN_LENGTH = 10;

/** Later runs: unlock with the passphrase, or with the recovery key. */
export function UnlockScreen(props: { session: Session }) {
  const [secret, setSecret] = createSignal('');
  const [useRecovery, setUseRecovery] = createSignal(false);
  // Asked for once the recovery key opened this device and a new vault key waits for it.
  const [newPassphrase, setNewPassphrase] = createSignal('');
  const [confirm, setConfirm] = createSignal('');
  const [problem, setProblem] = createSignal<string>();
  const askNew = () => useRecovery() && props.session.newPassphraseNeeded();
  const [now, setNow] = createSignal(Date.now());
  const ticker = setInterval(() => setNow(Date.now()), 250);
  onCleanup(() => clearInterval(ticker));
  // Load the models while the person types (src/app/ml-warmup.ts); a separate chunk, so the
  // unlock screen's own download stays small.
  onMount(() => void import('../app/ml-warmup.ts').then((m) => m.warmMl()));
  const waitS = () => Math.max(0, Math.ceil((props.session.retryAt() - now()) / 1000));
  let field: HTMLInputElement | undefined;
  /** The secret as typed; `keep`: the device the person keeps when the unlock asked (HandoverQuestion). */
  const unlockWith = (keep?: string): Promise<void> => {
    const unlocking: UnlockSecret = !useRecovery() ? { passphrase: secret() } : askNew() ? { recoveryKey: secret(), newPassphrase: newPassphrase() } : { recoveryKey: secret() };
    return props.session.unlock(keep === undefined ? unlocking : { ...unlocking, keep });
  };
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const wrong =
      !askNew() ? undefined
      : newPassphrase().length < MIN_LENGTH ? `Use at least ${MIN_LENGTH} characters.`
      : newPassphrase() !== confirm() ? 'The two passphrases are different.'
      : undefined;
    setProblem(wrong);
    if (wrong) return;
    void unlockWith().then(() => {
      // Asked for a new passphrase: that field next.
      if (askNew() && !newPassphrase()) return document.getElementById('new-passphrase')?.focus();
      // Still here: the secret was wrong. Back in the field with it selected, to retype at once.
      if (!field?.isConnected) return;
      field.focus();
      field.select();
      setNow(Date.now());
    });
  };
  return (
    <main class="center">
      <form class="card" onSubmit={submit} aria-labelledby="unlock-title">
        <h1 id="unlock-title">Unlock Obscura</h1>
        <label for="secret">{useRecovery() ? 'Recovery key' : 'Passphrase'}</label>
        <input
          id="secret"
          ref={field}
          type={useRecovery() ? 'text' : 'password'}
          autocomplete={useRecovery() ? 'off' : 'current-password'}
          value={secret()}
          onInput={(e) => setSecret(e.currentTarget.value)}
          required
          autofocus
        />
        <Show when={askNew()}>
          <label for="new-passphrase">New passphrase</label>
          <input id="new-passphrase" type="password" autocomplete="new-password" value={newPassphrase()} onInput={(e) => setNewPassphrase(e.currentTarget.value)} required />
          <label for="new-passphrase-confirm">Repeat new passphrase</label>
          <input id="new-passphrase-confirm" type="password" autocomplete="new-password" value={confirm()} onInput={(e) => setConfirm(e.currentTarget.value)} required />
        </Show>
        <Show when={props.session.handoverChoice()}>
          {(choice) => <HandoverQuestion choice={choice()} busy={props.session.busy()} keep={(deviceId) => void unlockWith(deviceId)} />}
        </Show>
        <Show when={problem() ?? props.session.error()}>{(text) => <p class="error" role="alert">{text()}</p>}</Show>
        <Show when={waitS() > 0}>
          <p class="hint" role="status">
            Try again in {waitS()} s
          </p>
        </Show>
        <button type="submit" class="primary" disabled={props.session.busy() || waitS() > 0}>
          {props.session.busy() ? 'Unlocking…' : 'Unlock'}
        </button>
        <button
          type="button"
          class="link"
          onClick={() => {
            setUseRecovery(!useRecovery());
            setSecret('');
          }}
        >
          {useRecovery() ? 'Use my passphrase instead' : 'Forgot your passphrase? Use the recovery key'}
        </button>
      </form>
    </main>
  );
}
