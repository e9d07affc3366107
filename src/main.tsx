import { render } from 'solid-js/web';
import { sodiumReady } from '../crypto/index.ts';
import { App } from './App.tsx';
import { createSession } from './app/session.ts';
import './styles.css';

// ?debug=ml installs window.__obscuraDebug (tag with the app's ML worker) for e2e tests; see ml/worker/ml-debug-hook.ts.
if (new URLSearchParams(location.search).get('debug') === 'ml') void import('../ml/worker/ml-debug-hook.ts').then((m) => m.installMlDebugHook());

await sodiumReady();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
// Created once, outside render: a prop expression is re-evaluated on every read.
const session = createSession();
render(() => <App session={session} />, root);
