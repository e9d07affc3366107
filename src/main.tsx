import { render } from 'solid-js/web';
import { sodiumReady } from '../crypto/index.ts';
import { App } from './App.tsx';
import { createSession } from './app/session.ts';
import './styles.css';

// e2e build only: the tests' hooks (src/app/test-hooks.ts). A dead branch in `npm run build`.
if (__OBSCURA_TEST_HOOKS__) void import('./app/test-hooks.ts').then((hooks) => hooks.installStartHooks());

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
  // onnxruntime's WebGPU build of another app build (or of the unversioned cache older
  // versions kept forever) is never read again: drop those caches.
  void globalThis.caches
    ?.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith('obscura-ort-webgpu') && n !== __OBSCURA_ORT_CACHE__).map((n) => caches.delete(n))))
    .catch(() => undefined);
}
