import { createSignal, Match, Switch } from 'solid-js';
import { parseDeviceLinkRequest, requestFingerprint } from '../../sync/share/device-link.ts';
import type { DeviceLinkAnswer as Answer } from '../../sync/vault/vault-device-link.ts';
import type { Vault } from '../../sync/vault/vault.ts';
import type { ErrorCode } from '../app/error-code.ts';
import { messageFor } from '../app/messages.ts';
import { QrLink } from './QrLink.tsx';

const groups = (digits: string, size: number) => digits.match(new RegExp(`.{1,${size}}`, 'g'))?.join(' ') ?? digits;

/**
 * This (old) device answers a new device's request: paste its link, compare the characters both
 * screens show (a swapped request would get the vault key sealed to someone else), and only then
 * make the answer (which approves the new device as the person's) and hand back its link and a
 * check code for the new device to compare.
 */
export function DeviceLinkAnswer(props: { vault: Vault; initialRequest?: string }) {
  const [request, setRequest] = createSignal(props.initialRequest ?? '');
  const [fingerprint, setFingerprint] = createSignal<string>();
  const [answer, setAnswer] = createSignal<Answer>();
  const [problem, setProblem] = createSignal<string>();
  // Never implied (issue 18 §1): the person says whether the new device may manage notebooks.
  const [grantOwner, setGrantOwner] = createSignal(false);
  const show = (result: { ok: true } | { ok: false; error: { code: ErrorCode; message: string } }): boolean => {
    setProblem(result.ok ? undefined : messageFor(result.error.code, result.error.message));
    return result.ok;
  };

  const read = (event: SubmitEvent) => {
    event.preventDefault();
    setAnswer(undefined);
    const parsed = parseDeviceLinkRequest(request().trim());
    setFingerprint(show(parsed) && parsed.ok ? requestFingerprint(parsed.value) : undefined);
  };
  const confirm = () => {
    const made = props.vault.devices.answerLink(request().trim(), location.origin, Date.now(), { grantOwner: grantOwner() });
    if (show(made) && made.ok) setAnswer(made.value);
    else setFingerprint(undefined);
  };

  return (
    <section class="sync-section" aria-labelledby="link-device-title">
      <h3 id="link-device-title">Link a device</h3>
      <Switch>
        <Match when={!fingerprint()}>
          <p class="hint">
            On the new device, open Obscura and choose “Link to my other device”. Paste the link it shows here (or scan its QR code
            with this device’s camera).
          </p>
          <form class="device-link-form" onSubmit={read}>
            <label for="device-request">Link from the new device</label>
            <div class="inline-form">
              <input id="device-request" autocomplete="off" value={request()} onInput={(e) => setRequest(e.currentTarget.value)} spellcheck={false} required />
              <button type="submit">Continue</button>
            </div>
          </form>
        </Match>
        <Match when={!answer() && fingerprint()}>
          {(shown) => (
            <div class="device-link-step" role="group" aria-labelledby="fingerprint-title">
              <p id="fingerprint-title">Does the new device show these characters?</p>
              <p class="digits fingerprint" data-testid="request-fingerprint">{shown()}</p>
              <p class="hint" data-testid="link-grants">
                The new device will read and write your notebooks and link or remove your devices.
              </p>
              <label class="check">
                <input type="checkbox" checked={grantOwner()} onChange={(e) => setGrantOwner(e.currentTarget.checked)} />
                Also let it manage the notebooks you own: invite people and remove members (owner). Leave this off for a device that
                could be lost or stolen more easily.
              </label>
              <div class="note-actions">
                <button type="button" class="primary" onClick={confirm}>
                  Yes, they match
                </button>
                <button type="button" onClick={() => setFingerprint(undefined)}>
                  No, start again
                </button>
              </div>
              <p class="hint">If they differ, the link was changed on the way: do not continue.</p>
            </div>
          )}
        </Match>
        <Match when={answer()}>
          {(found) => (
            <div class="device-link-step">
              <p>Open or paste this answer on the new device, then check that it shows the same code:</p>
              <p class="digits" data-testid="check-code">{groups(found().checkCode, 3)}</p>
              <QrLink link={found().link} label="Answer for the new device" id="device-answer" />
              <p class="hint">Only the new device can open this answer, and only until its link expires (10 minutes after it was made).</p>
            </div>
          )}
        </Match>
      </Switch>
      {problem() && (
        <p class="error" role="alert">
          {problem()}
        </p>
      )}
    </section>
  );
}
