import { render } from 'solid-js/web';
import { sodiumReady } from '../crypto/index.ts';
import { App } from './App.tsx';
import { createSession } from './app/session.ts';
import './styles.css';

// ?debug=ml installs window.__obscuraDebug (tag with the app's ML worker) for e2e tests; see ml/worker/ml-debug-hook.ts.
if (new URLSearchParams(location.search).get('debug') === 'ml') void import('../ml/worker/ml-debug-hook.ts').then((m) => m.installMlDebugHook());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
try {
  await sodiumReady();
  // Created once, outside render: a prop expression is re-evaluated on every read.
  const session = createSession();
  render(() => <App session={session} />, root);
} catch (e) {
  // A chunk that did not arrive (offline before the first full load, a broken proxy): say so instead of a blank page.
  console.error(e);
  render(
    () => (
      <main class="center" role="alert">
        <h1>Obscura could not start</h1>
        <p>Part of the app did not load. Check the connection and reload; your notes stay on this device.</p>
        <button type="button" class="primary" onClick={() => location.reload()}>
          Reload
        </button>
      </main>
    ),
    root,
  );
}

// Offline use and install (vite.config.ts offlinePlugin). The dev server (the one with HMR) has no sw.js;
// not import.meta.env.PROD: a build run inside vitest (NODE_ENV=test) has PROD false.
if (!import.meta.hot && 'serviceWorker' in navigator) {
  void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((e: unknown) => console.warn('service worker not registered', e));
}
