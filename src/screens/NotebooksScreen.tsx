import { createEffect, createMemo, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import type { Vault } from '../../sync/vault/vault.ts';
import { docVersion } from '../app/doc-version.ts';
import { browserBlobStore } from '../app/services.ts';
import { createTaggingService } from '../app/tagging-service.ts';
import { messageFor } from '../app/messages.ts';
import { NotesPane } from './NotesPane.tsx';
import type { SyncService } from '../app/sync-service.ts';
import { SyncPanel } from '../components/SyncPanel.tsx';

/** The unlocked vault: notebooks on the left, the chosen notebook's notes on the right. */
export function NotebooksScreen(props: { vault: Vault; onLock: () => void; sync?: SyncService; openNotebook?: string | undefined; deviceRequest?: string | undefined }) {
  const vaultVersion = docVersion(props.vault.doc);
  const notebooks = createMemo(() => (vaultVersion(), props.vault.notebooks()));
  const [selected, setSelected] = createSignal<string | undefined>(props.openNotebook ?? notebooks()[0]?.id);
  const [syncOpen, setSyncOpen] = createSignal(props.deviceRequest !== undefined);
  // A joined notebook opens at once; on a linked device the notebooks arrive after the first render.
  createEffect(on(() => props.openNotebook, (id) => id && setSelected(id), { defer: true }));
  createEffect(() => selected() === undefined && notebooks()[0] && setSelected(notebooks()[0]!.id));
  const [newName, setNewName] = createSignal('');
  // One blob store and one ML queue for the unlocked vault, shared by every notebook.
  const blobs = browserBlobStore();
  const tagging = createTaggingService(blobs);
  onCleanup(() => tagging.dispose());

  const [opened] = createResource(selected, async (id) => {
    const result = await props.vault.openNotebook(id);
    if (!result.ok) throw new Error(messageFor(result.error.code, result.error.message));
    return result.value;
  });

  const create = (event: SubmitEvent) => {
    event.preventDefault();
    const name = newName().trim();
    if (!name) return;
    setSelected(props.vault.createNotebook(name));
    setNewName('');
  };

  return (
    <div class="shell">
      <header class="topbar">
        <span class="brand">Obscura</span>
        <Show when={props.sync}>
          <button type="button" aria-haspopup="dialog" onClick={() => setSyncOpen(true)}>
            Sync
          </button>
        </Show>
        <button type="button" onClick={() => props.onLock()} aria-label="Lock the vault">
          Lock
        </button>
      </header>
      <nav class="sidebar" aria-label="Notebooks">
        <h2>Notebooks</h2>
        <ul class="notebook-list">
          <For each={notebooks()} fallback={<li class="empty">No notebooks yet.</li>}>
            {(notebook) => (
              <li>
                <button type="button" aria-current={selected() === notebook.id ? 'page' : undefined} onClick={() => setSelected(notebook.id)}>
                  {notebook.name || 'Untitled notebook'}
                </button>
              </li>
            )}
          </For>
        </ul>
        <form class="inline-form" onSubmit={create}>
          <label for="new-notebook" class="visually-hidden">
            New notebook name
          </label>
          <input id="new-notebook" placeholder="New notebook" value={newName()} onInput={(e) => setNewName(e.currentTarget.value)} />
          <button type="submit">Add</button>
        </form>
      </nav>
      <main class="content">
        <Show when={selected()} fallback={<p class="empty">Create a notebook to start keeping notes.</p>}>
          <Show when={!opened.error} fallback={<p class="error" role="alert">{String(opened.error)}</p>}>
            <Show when={opened()} keyed fallback={<p aria-busy="true">Opening notebook…</p>}>
              {(notebook) => <NotesPane notebook={notebook} blobs={blobs} tagging={tagging} vault={props.vault} onOpenNotebook={setSelected} />}
            </Show>
          </Show>
        </Show>
      </main>
      <Show when={syncOpen() && props.sync}>
        {(sync) => (
          <SyncPanel
            sync={sync()}
            vault={props.vault}
            notebook={opened.state === 'ready' ? opened() : undefined}
            notebookName={notebooks().find((n) => n.id === selected())?.name}
            deviceRequest={props.deviceRequest}
            onClose={() => setSyncOpen(false)}
          />
        )}
      </Show>
    </div>
  );
}
