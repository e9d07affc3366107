import { createSignal, Show } from 'solid-js';
import type { Vault } from '../../sync/vault/vault.ts';
import type { SyncUrls } from '../app/default-sync-urls.ts';
import { messageFor } from '../app/messages.ts';
import { QrLink } from './QrLink.tsx';

/**
 * Makes an invite link for the open notebook on request (each link adds a one-time key to
 * the member list, so not on every panel open) and shows it with its QR code.
 */
export function InvitePanel(props: { vault: Vault; notebookId: string; urls: SyncUrls }) {
  const [link, setLink] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<string>();

  const create = async () => {
    setBusy(true);
    setProblem(undefined);
    const made = await props.vault.sharing.createInvite(props.notebookId, {
      origin: location.origin,
      signalingUrls: props.urls.signalingUrls,
      relayUrls: [props.urls.relayUrl],
    });
    setBusy(false);
    if (made.ok) setLink(made.value.link);
    else setProblem(messageFor(made.error.code, made.error.message));
  };

  return (
    <section class="sync-section" aria-labelledby="invite-title">
      <h3 id="invite-title">Invite someone</h3>
      <p class="hint">A link works once: one device can join with it within 7 days, then it opens nothing.</p>
      <Show
        when={link()}
        fallback={
          <button type="button" class="primary" disabled={busy()} onClick={() => void create()}>
            {busy() ? 'Creating link…' : 'Create invite link'}
          </button>
        }
      >
        {(value) => <QrLink link={value()} label="Invite link" id="invite-link" />}
      </Show>
      <Show when={problem()}>{(text) => <p class="error" role="alert">{text()}</p>}</Show>
    </section>
  );
}
