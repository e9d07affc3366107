import { createSignal, Show } from 'solid-js';
import type { Session } from '../app/session.ts';

/** Later runs: unlock with the passphrase, or with the recovery key. */
export function UnlockScreen(props: { session: Session }) {
  const [secret, setSecret] = createSignal('');
  const [useRecovery, setUseRecovery] = createSignal(false);
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    void props.session.unlock(useRecovery() ? { recoveryKey: secret() } : { passphrase: secret() });
  };
  return (
    <main class="center">
      <form class="card" onSubmit={submit} aria-labelledby="unlock-title">
        <h1 id="unlock-title">Unlock Obscura</h1>
        <label for="secret">{useRecovery() ? 'Recovery key' : 'Passphrase'}</label>
        <input
          id="secret"
          type={useRecovery() ? 'text' : 'password'}
          autocomplete={useRecovery() ? 'off' : 'current-password'}
          value={secret()}
          onInput={(e) => setSecret(e.currentTarget.value)}
          required
          autofocus
        />
        <Show when={props.session.error()}>{(text) => <p class="error" role="alert">{text()}</p>}</Show>
        <button type="submit" class="primary" disabled={props.session.busy()}>
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
