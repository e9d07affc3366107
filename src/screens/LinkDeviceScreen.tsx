import { createEffect, createSignal, Match, on, onCleanup, Show, Switch } from 'solid-js';
import { wipe } from '../../crypto/index.ts';
import { checkCode, openDeviceLinkResponse } from '../../sync/share/device-link.ts';
import { beginDeviceLink } from '../../sync/vault/link-device.ts';
import { receiveDeviceLinkAnswers } from '../app/device-link-handoff.ts';
import { suggestedDeviceName } from '../app/device-name.ts';
import { messageFor } from '../app/messages.ts';
import type { Session } from '../app/session.ts';
import { QrLink } from '../components/QrLink.tsx';

const MIN_LENGTH = 10;
const groups = (digits: string, size: number) => digits.match(new RegExp(`.{1,${size}}`, 'g'))?.join(' ') ?? digits;

/**
 * First run on a new device that joins the person's existing vault: show a request (link,
 * QR, 16 characters to compare), take the old device's answer, compare its check code, then
 * choose this device's own passphrase. The box key pair lives in this page's memory only,
 * so the answer must come back to this same tab (paste it, or open it in this tab). A
 * request lasts 10 minutes; then this screen says so and offers a new one.
 */
export function LinkDeviceScreen(props: { session: Session; response?: string; onCancel(): void }) {
  const [request, setRequest] = createSignal(beginDeviceLink(location.origin));
  const [expired, setExpired] = createSignal(false);
  createEffect(() => {
    const timer = setTimeout(() => setExpired(true), Math.max(0, request().pending.expiresAt - Date.now()));
    onCleanup(() => clearTimeout(timer));
  });
  const [answer, setAnswer] = createSignal(props.response ?? '');
  const [code, setCode] = createSignal<string>();
  const [matched, setMatched] = createSignal(false);
  const [passphrase, setPassphrase] = createSignal('');
  const [confirm, setConfirm] = createSignal('');
  const [deviceName, setDeviceName] = createSignal(suggestedDeviceName());
  const [problem, setProblem] = createSignal<string>();
  const restart = () => {
    wipe(request().pending.keyPair.secretKey);
    setExpired(false);
    setProblem(undefined);
    setRequest(beginDeviceLink(location.origin));
  };

  const read = (link: string) => {
    setMatched(false);
    // Opened here only to show the check code before anything is stored; linkDevice opens it again.
    const opened = openDeviceLinkResponse(link.trim(), request().pending);
    if (!opened.ok) {
      setCode(undefined);
      setProblem(messageFor(opened.error.code, opened.error.message));
      return;
    }
    setProblem(undefined);
    setCode(checkCode(opened.value.vaultKey, request().pending.boxPublicKey));
    wipe(opened.value.vaultKey);
  };
  // An answer opened in this tab's address bar arrives as a prop.
  createEffect(on(() => props.response, (link) => link && (setAnswer(link), read(link))));
  // ...or from another tab of this browser (device-link-handoff.ts).
  onCleanup(receiveDeviceLinkAnswers((link) => (setAnswer(link), read(link))));

  const finish = (event: SubmitEvent) => {
    event.preventDefault();
    const issue = passphrase().length < MIN_LENGTH ? `Use at least ${MIN_LENGTH} characters.` : passphrase() !== confirm() ? 'The two passphrases are different.' : undefined;
    setProblem(issue);
    if (!issue) void props.session.linkDevice({ responseLink: answer().trim(), pending: request().pending, passphrase: passphrase(), deviceName: deviceName() });
  };

  return (
    <main class="center">
      <section class="card link-device-card" aria-labelledby="link-title">
        <h1 id="link-title">Link to my other device</h1>
        <Switch>
          <Match when={!code()}>
            <p class="hint">
              On the device that already has your notebooks, open Obscura, choose <strong>Sync</strong>, then{' '}
              <strong>Link a device</strong>, and paste this link there (or scan the code).
            </p>
            <Show
              when={!expired()}
              fallback={
                <p class="error" role="alert">
                  This link has expired (links last 10 minutes).{' '}
                  <button type="button" class="link" onClick={restart}>
                    Make a new link
                  </button>
                </p>
              }
            >
              <QrLink link={request().link} label="Link for your other device" id="device-request-link" />
              <p>It will show these characters. Check they are the same:</p>
              <p class="digits fingerprint" data-testid="request-fingerprint">{request().fingerprint}</p>
              <p class="hint">This link works for 10 minutes.</p>
            </Show>
            <form
              class="device-link-form"
              onSubmit={(e) => {
                e.preventDefault();
                read(answer());
              }}
            >
              <label for="device-answer-input">Answer from your other device</label>
              <div class="inline-form">
                <input id="device-answer-input" autocomplete="off" value={answer()} onInput={(e) => setAnswer(e.currentTarget.value)} spellcheck={false} required />
                <button type="submit">Continue</button>
              </div>
            </form>
          </Match>
          <Match when={code() && !matched()}>
            <p>Does your other device show this code?</p>
            <p class="digits" data-testid="check-code">{groups(code() ?? '', 3)}</p>
            <div class="note-actions">
              <button type="button" class="primary" onClick={() => setMatched(true)}>
                Yes, it matches
              </button>
              <button type="button" onClick={() => setCode(undefined)}>
                No
              </button>
            </div>
            <p class="hint">If it differs, the answer did not come from your vault: do not continue, start again on both devices.</p>
          </Match>
          <Match when={matched()}>
            <form class="link-passphrase" onSubmit={finish}>
              <p class="hint">Choose a passphrase for this device. It can differ from your other device’s.</p>
              <p class="hint" data-testid="link-recovery-hint">
                There is no new recovery key: the one you saved for your vault opens this device too, as soon as it has synced.
              </p>
              <label for="link-passphrase">Passphrase</label>
              <input id="link-passphrase" type="password" autocomplete="new-password" value={passphrase()} onInput={(e) => setPassphrase(e.currentTarget.value)} required />
              <label for="link-confirm">Repeat passphrase</label>
              <input id="link-confirm" type="password" autocomplete="new-password" value={confirm()} onInput={(e) => setConfirm(e.currentTarget.value)} required />
              {/* After the passphrase: a text field before it would be kept as the username in "Login Data" (SetupScreen). */}
              <label for="link-device-name">Name of this device</label>
              <input id="link-device-name" autocomplete="off" value={deviceName()} onInput={(e) => setDeviceName(e.currentTarget.value)} maxLength={60} spellcheck={false} />
              <button type="submit" class="primary" disabled={props.session.busy()}>
                {props.session.busy() ? 'Linking…' : 'Link this device'}
              </button>
            </form>
          </Match>
        </Switch>
        <Show when={problem() ?? props.session.error()}>{(text) => <p class="error" role="alert">{text()}</p>}</Show>
        <button type="button" class="link" onClick={() => props.onCancel()}>
          Create a new vault instead
        </button>
      </section>
    </main>
  );
}
