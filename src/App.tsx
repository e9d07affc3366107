import { Match, Switch } from 'solid-js';
import type { Session } from './app/session.ts';
import { NotebooksScreen } from './screens/NotebooksScreen.tsx';
import { RecoveryKeyScreen } from './screens/RecoveryKeyScreen.tsx';
import { SetupScreen } from './screens/SetupScreen.tsx';
import { UnlockScreen } from './screens/UnlockScreen.tsx';

export function App(props: { session: Session }) {
  const phase = () => props.session.phase();
  return (
    <Switch>
      <Match when={phase().name === 'loading'}>
        <main class="center" aria-busy="true">
          <p>Opening Obscura…</p>
        </main>
      </Match>
      <Match when={phase().name === 'setup'}>
        <SetupScreen session={props.session} />
      </Match>
      <Match when={(() => { const p = phase(); return p.name === 'recovery' ? p : undefined; })()}>
        {(p) => <RecoveryKeyScreen recoveryKey={p().recoveryKey} onSaved={props.session.confirmRecoverySaved} />}
      </Match>
      <Match when={phase().name === 'locked'}>
        <UnlockScreen session={props.session} />
      </Match>
      <Match when={(() => { const p = phase(); return p.name === 'unlocked' ? p : undefined; })()}>
        {(p) => <NotebooksScreen vault={p().vault} onLock={() => void props.session.lock()} />}
      </Match>
    </Switch>
  );
}
