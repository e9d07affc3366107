import { createEffect, For, onCleanup } from 'solid-js';
import type { BlobStore } from '../../sync/blob/blob-store.ts';
import type { Vault } from '../../sync/vault/vault.ts';
import { purgeNotebook } from '../app/purge-notebook.ts';
import { NOTEBOOK_UNDO_MS, type NotebookEntry } from '../../sync/vault/notebook-meta.ts';

/**
 * "Deleted 'X' — Undo" for each notebook whose deletion can still be undone, and the timer
 * that makes it final. Note: the timers follow the vault doc, not the click, so a deletion
 * from before a reload (or from another device) gets the rest of its window here, and one
 * whose window closed while the vault was locked is made final on the next unlock.
 */
export function NotebookUndoToast(props: { vault: Vault; blobs: BlobStore; pending: NotebookEntry[]; onUndo: (id: string) => void; onError: (message: string) => void }) {
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const purge = (id: string) => {
    timers.delete(id);
    purgeNotebook(props.vault, props.blobs, id).catch((e: unknown) => props.onError(`The notebook could not be removed from this device: ${e instanceof Error ? e.message : String(e)}`));
  };

  createEffect(() => {
    const ids = new Set(props.pending.map((n) => n.id));
    for (const [id, timer] of timers) {
      if (ids.has(id)) continue;
      clearTimeout(timer);
      timers.delete(id);
    }
    for (const notebook of props.pending) {
      if (timers.has(notebook.id) || notebook.deletedAt === undefined) continue;
      const left = Math.max(0, notebook.deletedAt + NOTEBOOK_UNDO_MS - Date.now());
      timers.set(notebook.id, setTimeout(() => purge(notebook.id), left));
    }
  });
  onCleanup(() => {
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
  });

  return (
    <div class="toasts" role="status" aria-live="polite">
      <For each={props.pending}>
        {(notebook) => (
          <div class="toast">
            <span>Deleted “{notebook.name || 'Untitled notebook'}”</span>
            <button
              type="button"
              onClick={() => {
                props.vault.notebooks.undoDelete(notebook.id);
                props.onUndo(notebook.id);
              }}
            >
              Undo
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
