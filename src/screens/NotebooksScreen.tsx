import { createMemo, createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import type { Vault } from '../../sync/vault/vault.ts';
import { docVersion } from '../app/doc-version.ts';
import { browserBlobStore } from '../app/services.ts';
import { createTaggingService } from '../app/tagging-service.ts';
import { messageFor } from '../app/messages.ts';
import { NotesPane } from './NotesPane.tsx';

/** The unlocked vault: notebooks on the left, the chosen notebook's notes on the right. */
export function NotebooksScreen(props: { vault: Vault; onLock: () => void }) {
  const vaultVersion = docVersion(props.vault.doc);
  const notebooks = createMemo(() => (vaultVersion(), props.vault.notebooks()));
  const [selected, setSelected] = createSignal<string | undefined>(notebooks()[0]?.id);
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
    </div>
  );
}
