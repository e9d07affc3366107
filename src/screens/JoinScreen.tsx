import { createEffect, createSignal, Match, on, Switch } from 'solid-js';
import { parseInviteLink } from '../../sync/share/invite-link.ts';
import type { JoinStage } from '../../sync/vault/vault-join.ts';
import type { Vault } from '../../sync/vault/vault.ts';
import { messageFor } from '../app/messages.ts';
import type { SyncService } from '../app/sync-service.ts';

type JoinState =
  | { step: 'asking' }
  | { step: 'starting' }
  | { step: JoinStage }
  | { step: 'have-it' }
  | { step: 'failed'; code: string; message: string };

const STEP_TEXT: Record<JoinStage | 'starting', string> = {
  starting: 'Connecting…',
  accepted: 'Added to your notebooks. Connecting to the others…',
  waiting: 'Waiting for the notebook to arrive…',
  redeemed: 'Joined.',
};

/**
 * Joining a notebook from an invite link, after the vault is unlocked. Nothing happens until
 * the person says so: a link is someone else's words, and opening one must never change
 * anything by itself (sync/PROTOCOL.md "Joining"). A notebook this vault already has is
 * never joined again; the screen says so and offers to open it. Then it waits for sync to
 * run (the notebook comes from its members or the relay), shows each stage, and says in
 * plain words why a link does not work (expired, used, changed on the way…).
 */
export function JoinScreen(props: { vault: Vault; sync: SyncService; link: string; onJoined(notebookId: string): void; onCancel(): void }) {
  const preview = parseInviteLink(props.link);
  const name = preview.ok ? preview.value.notebookName : undefined;
  const have = (): boolean => preview.ok && props.vault.notebooks.list().some((nb) => nb.id === preview.value.notebookId);
  const initial = (): JoinState =>
    !preview.ok ? { step: 'failed', code: preview.error.code, message: messageFor(preview.error.code, preview.error.message) } : have() ? { step: 'have-it' } : { step: 'asking' };
  const [state, setState] = createSignal<JoinState>(initial());
  const [wanted, setWanted] = createSignal(0);

  let joining = false;
  const join = async () => {
    if (joining) return;
    joining = true;
    setState({ step: 'starting' });
    const joined = await props.vault.sharing.joinByInvite(props.link, { onProgress: (step) => setState({ step }) });
    joining = false;
    if (joined.ok) props.onJoined(joined.value.notebookId);
    else if (joined.error.code === 'E_INVITE_ALREADY_JOINED') setState({ step: 'have-it' });
    else setState({ step: 'failed', code: joined.error.code, message: messageFor(joined.error.code, joined.error.message) });
  };

  // Joining needs the vault's sync running; it starts only once the person asked for it.
  createEffect(
    on([() => props.sync.running(), wanted], ([running, asked]) => {
      if (asked === 0) return;
      if (running) void join();
      else if (props.sync.error()) setState({ step: 'failed', code: 'E_SYNC_OFF', message: props.sync.error() ?? '' });
      else setState({ step: 'starting' });
    }),
  );

  const busy = (): boolean => !['asking', 'have-it', 'failed', 'redeemed'].includes(state().step);
  return (
    <main class="center">
      <section class="card join-card" aria-labelledby="join-title" aria-busy={busy()}>
        <h1 id="join-title">{name ? `Join “${name}”` : 'Join a notebook'}</h1>
        <Switch>
          <Match when={state().step === 'asking'}>
            <p>
              Someone invited you to a shared notebook{name ? ` called “${name}”` : ''}. Join only if you expect this invitation: the
              people in it will see what you write there.
            </p>
            <div class="note-actions">
              <button type="button" class="primary" onClick={() => setWanted((n) => n + 1)}>
                Join this notebook
              </button>
              <button type="button" onClick={() => props.onCancel()}>
                Not now
              </button>
            </div>
          </Match>
          <Match when={state().step === 'have-it'}>
            <p role="status" data-code="E_INVITE_ALREADY_JOINED">
              You already have this notebook. Nothing was changed.
            </p>
            <div class="note-actions">
              <button type="button" class="primary" onClick={() => preview.ok && props.onJoined(preview.value.notebookId)}>
                Open it
              </button>
              <button type="button" onClick={() => props.onCancel()}>
                Go to my notebooks
              </button>
            </div>
          </Match>
          <Match when={(() => { const s = state(); return s.step === 'failed' ? s : undefined; })()}>
            {(failed) => (
              <>
                <p class="error" role="alert" data-code={failed().code}>
                  {failed().message}
                </p>
                <div class="note-actions">
                  {failed().code === 'E_INVITE_TIMEOUT' || failed().code === 'E_INVITE_PENDING' ? (
                    <button type="button" class="primary" onClick={() => setWanted((n) => n + 1)}>
                      Try again
                    </button>
                  ) : null}
                  <button type="button" onClick={() => props.onCancel()}>
                    Go to my notebooks
                  </button>
                </div>
              </>
            )}
          </Match>
          <Match when={busy() || state().step === 'redeemed'}>
            <p role="status" class="join-progress" data-step={state().step}>
              <span class="spinner" aria-hidden="true" />
              {STEP_TEXT[state().step as JoinStage | 'starting']}
            </p>
            <p class="hint">
              The notebook comes encrypted from the person who invited you, or from the relay if they are offline. Keep this page
              open.
            </p>
          </Match>
        </Switch>
      </section>
    </main>
  );
}
