import type * as Y from 'yjs';
import type { TagLogEntry } from '../../ml/worker/tag-log-entry.ts';

/**
 * Note: the one door to the e2e tests' hooks, and only in the e2e build. main.tsx and
 * NotesPane (and tagging-service) import this module inside `if (__OBSCURA_TEST_HOOKS__)`, which vite.config.ts
 * defines as true only when building with `--mode e2e` (tests/e2e/harness/global-setup.ts);
 * in `npm run build` the branch is dead, so neither this module nor the hooks behind it are
 * in the bundle (tests/e2e/production-build.test.ts searches for them). The hooks write into
 * the open notebook or drive the ML worker from the page: nothing a person's app should carry.
 */
const asked = () => new URLSearchParams(location.search).get('debug');

/** At start: `?debug=ml` installs the ML worker hook (ml/worker/ml-debug-hook.ts). */
export async function installStartHooks(): Promise<void> {
  if (asked() === 'ml') (await import('../../ml/worker/ml-debug-hook.ts')).installMlDebugHook();
}

/** When a notebook opens: `?debug=notes` installs the notes hook; returns its removal. */
export async function installNotebookHooks(doc: Y.Doc): Promise<(() => void) | undefined> {
  if (asked() !== 'notes') return undefined;
  return (await import('./notes-debug-hook.ts')).installNotesDebugHook(doc);
}

/**
 * After a photo's tagging result is written: `window.__obscuraTagWrites[noteId]` counts them, so a
 * test sees a photo tagged twice; `window.__obscuraTagLog` lists them in order, for the import
 * bench (tests/bench/ml/app-import.ts) to time each photo.
 */
export function countTagWrite(write: TagLogEntry): void {
  const g = globalThis as { __obscuraTagWrites?: Record<string, number>; __obscuraTagLog?: TagLogEntry[] };
  const writes = (g.__obscuraTagWrites ??= {});
  writes[write.noteId] = (writes[write.noteId] ?? 0) + 1;
  (g.__obscuraTagLog ??= []).push(write);
}
