import { createSignal, Show } from 'solid-js';
import type { Session } from '../app/session.ts';
import { suggestedDeviceName } from '../app/device-name.ts';
import { passphraseStrength } from '../app/passphrase-strength.ts';
import { RestoreBackup } from '../components/RestoreBackup.tsx';

const MIN_LENGTH = 10;

/** First run: choose a passphrase; the vault key is wrapped under it with Argon2id. */
export function SetupScreen(props: { session: Session; onLinkDevice?: () => void }) {
  const [passphrase, setPassphrase] = createSignal('');
  const [confirm, setConfirm] = createSignal('');
  const [deviceName, setDeviceName] = createSignal(suggestedDeviceName());
  const [problem, setProblem] = createSignal<string>();
  const strength = () => passphraseStrength(passphrase());
  const [restoring, setRestoring] = createSignal(false);

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const problem =
      passphrase().length < MIN_LENGTH ? `Use at least ${MIN_LENGTH} characters.`
      : passphrase() !== confirm() ? 'The two passphrases are different.'
      : undefined;
    setProblem(problem);
    if (!problem) void props.session.create(passphrase(), deviceName());
  };

  return (
    <main class="center">
      <Show when={!restoring()} fallback={<RestoreBackup session={props.session} onCancel={() => setRestoring(false)} />}>
      <form class="card" onSubmit={submit} aria-labelledby="setup-title">
        <h1 id="setup-title">Create your vault</h1>
        <p class="hint">
          Your photos and notes are encrypted on this device with a key that only this passphrase (or your recovery key)
          can open. Nobody else, not even a server, can reset it.
        </p>
        <label for="passphrase">Passphrase</label>
        <input id="passphrase" type="password" autocomplete="new-password" value={passphrase()} onInput={(e) => setPassphrase(e.currentTarget.value)} required />
        <div class="strength" data-level={passphrase() ? strength().level : undefined} aria-live="polite">
          {passphrase() ? `Strength: ${strength().label}` : `At least ${MIN_LENGTH} characters; several words are easiest to remember.`}
        </div>
        <label for="confirm">Repeat passphrase</label>
        <input id="confirm" type="password" autocomplete="new-password" value={confirm()} onInput={(e) => setConfirm(e.currentTarget.value)} required />
        {/* After the passphrase, not before: Chromium keeps the text field before a password as its
            username, in clear in the profile's "Login Data", whatever autocomplete says. */}
        <label for="setup-device-name">Name of this device</label>
        <input id="setup-device-name" autocomplete="off" value={deviceName()} onInput={(e) => setDeviceName(e.currentTarget.value)} maxLength={60} spellcheck={false} />
        <p class="hint">Your other devices list it by this name. It is stored encrypted; servers never see it.</p>
        <Show when={problem() ?? props.session.error()}>{(text) => <p class="error" role="alert">{text()}</p>}</Show>
        <button type="submit" class="primary" disabled={props.session.busy()}>
          {props.session.busy() ? 'Creating…' : 'Create vault'}
        </button>
        <Show when={props.onLinkDevice}>
          {(link) => (
            <p class="hint">
              Already use Obscura on another device?{' '}
              <button type="button" class="link" onClick={() => link()()}>
                Link to my other device
              </button>
            </p>
          )}
        </Show>
        <p class="hint">
          Have a backup file?{' '}
          <button type="button" class="link" onClick={() => setRestoring(true)}>
            Restore from a backup
          </button>
        </p>
      </form>
      </Show>
    </main>
  );
}
