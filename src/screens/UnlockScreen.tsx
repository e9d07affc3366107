import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import type { Session } from '../app/session.ts';

/** Later runs: unlock with the passphrase, or with the recovery key. */
export function UnlockScreen(props: { session: Session }) {
  const [secret, setSecret] = createSignal('');
  const [useRecovery, setUseRecovery] = createSignal(false);
  const [now, setNow] = createSignal(Date.now());
  const ticker = setInterval(() => setNow(Date.now()), 250);
  onCleanup(() => clearInterval(ticker));
  // Load the models while the person types (src/app/ml-warmup.ts); a separate chunk, so the
  // unlock screen's own download stays small.
  onMount(() => void import('../app/ml-warmup.ts').then((m) => m.warmMl()));
  const waitS = () => Math.max(0, Math.ceil((props.session.retryAt() - now()) / 1000));
  let field: HTMLInputElement | undefined;
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    void props.session.unlock(useRecovery() ? { recoveryKey: secret() } : { passphrase: secret() }).then(() => {
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
        <Show when={props.session.error()}>{(text) => <p class="error" role="alert">{text()}</p>}</Show>
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
