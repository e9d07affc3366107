import { createMemo, createSignal, lazy, Match, onCleanup, Switch } from 'solid-js';
import { handOffDeviceLinkAnswer } from './app/device-link-handoff.ts';
import { onLinkInLocation, takeLinkFromLocation, type PendingLink } from './app/pending-link.ts';
import type { Session } from './app/session.ts';
import { appSettings, syncUrlsOf } from './app/settings-store.ts';
import { createSyncService } from './app/sync-service.ts';
import { JoinScreen } from './screens/JoinScreen.tsx';
import { LinkDeviceScreen } from './screens/LinkDeviceScreen.tsx';
import { RecoveryKeyScreen } from './screens/RecoveryKeyScreen.tsx';
import { SetupScreen } from './screens/SetupScreen.tsx';
import { UnlockScreen } from './screens/UnlockScreen.tsx';

// The unlocked app (notebooks, notes, search, photo tools) is not needed to set up or
// unlock, so it is left out of the first download (initial JS budget: `npm run bench --
// search size`); fetching starts as soon as this module runs, so it is there by unlock.
// No <Suspense> around it: the screen's own resources (opening a notebook) would suspend
// to that boundary and blank the whole screen on every notebook switch.
const notebooksScreen = import('./screens/NotebooksScreen.tsx');
const NotebooksScreen = lazy(() => notebooksScreen.then((m) => ({ default: m.NotebooksScreen })));

export function App(props: { session: Session }) {
  const phase = () => props.session.phase();
  const unlocked = createMemo(() => { const p = phase(); return p.name === 'unlocked' ? p.vault : undefined; });
  // Same servers, same object: other settings changing must not restart sync.
  const syncUrls = createMemo(() => syncUrlsOf(appSettings()), undefined, { equals: (a, b) => JSON.stringify(a) === JSON.stringify(b) });
  const sync = createSyncService(unlocked, syncUrls);
  // An invite or device link in the address bar: read once, removed from it, acted on after unlock.
  const [pending, setPending] = createSignal<PendingLink | undefined>(takeLinkFromLocation());
  onCleanup(onLinkInLocation(setPending));
  const [linkingDevice, setLinkingDevice] = createSignal(pending()?.kind === 'linked');
  // A device-link answer opened in a new tab (a scanned QR code) belongs to the tab that asked for it.
  const [handoff, setHandoff] = createSignal<'sending' | 'sent'>();
  const opened = pending();
  if (opened?.kind === 'linked') {
    setHandoff('sending');
    void handOffDeviceLinkAnswer(opened.link).then((taken) => setHandoff(taken ? 'sent' : undefined));
  }
  const [openNotebook, setOpenNotebook] = createSignal<string>();
  const joinLink = () => { const p = pending(); return p?.kind === 'join' ? p.link : undefined; };
  const response = () => { const p = pending(); return p?.kind === 'linked' ? p.link : undefined; };
  return (
    <Switch>
      <Match when={phase().name === 'loading'}>
        <main class="center" aria-busy="true">
          <p>Opening Obscura…</p>
        </main>
      </Match>
      <Match when={handoff()}>
        {(state) => (
          <main class="center">
            <p class="card" role="status">
              {state() === 'sending'
                ? 'Looking for the Obscura tab that asked for this answer…'
                : 'Answer passed to the Obscura tab that asked for it. Switch to that tab to compare the code; you can close this one.'}
            </p>
          </main>
        )}
      </Match>
      <Match when={phase().name === 'setup' && (linkingDevice() || response())}>
        <LinkDeviceScreen session={props.session} response={response()} onCancel={() => (setLinkingDevice(false), setPending(undefined))} />
      </Match>
      <Match when={phase().name === 'setup'}>
        <SetupScreen session={props.session} onLinkDevice={() => setLinkingDevice(true)} />
      </Match>
      <Match when={(() => { const p = phase(); return p.name === 'recovery' ? p : undefined; })()}>
        {(p) => <RecoveryKeyScreen recoveryKey={p().recoveryKey} onSaved={props.session.confirmRecoverySaved} />}
      </Match>
      <Match when={phase().name === 'locked'}>
        <UnlockScreen session={props.session} />
      </Match>
      <Match when={unlocked() && joinLink()}>
        <JoinScreen
          vault={unlocked()!}
          sync={sync}
          link={joinLink()!}
          onJoined={(id) => (setOpenNotebook(id), setPending(undefined))}
          onCancel={() => setPending(undefined)}
        />
      </Match>
      <Match when={(() => { const p = phase(); return p.name === 'unlocked' ? p : undefined; })()}>
        {(p) => (
          <NotebooksScreen
            vault={p().vault}
            onLock={(reason, why) => void props.session.lock(reason, why)}
            tabs={props.session.tabs.channel}
            sync={sync}
            openNotebook={openNotebook()}
            deviceRequest={(() => { const l = pending(); return l?.kind === 'link-device' ? l.link : undefined; })()}
          />
        )}
      </Match>
    </Switch>
  );
}
