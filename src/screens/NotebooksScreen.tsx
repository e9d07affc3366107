import { createEffect, createMemo, createResource, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js';
import type { Vault } from '../../sync/vault/vault.ts';
import type { SessionLockWhy } from '../app/session.ts';
import type { TabChannel } from '../../sync/tabs/tab-channel.ts';
import { startAutoLock } from '../../sync/tabs/auto-lock.ts';
import { loadClassifierModel, turnOffClassifier } from '../app/classifier-import.ts';
import { appSettings, forgetSettings, settingsNotice } from '../app/settings-store.ts';
import { NotebookEditor } from '../components/NotebookEditor.tsx';
import { NotebookUndoToast } from '../components/NotebookUndoToast.tsx';
import { SettingsScreen } from './SettingsScreen.tsx';
import { TopBar } from '../components/TopBar.tsx';
import { docVersion } from '../app/doc-version.ts';
import { browserBlobStore, browserPhotoLocks } from '../app/services.ts';
import { createTaggingService } from '../app/tagging-service.ts';
import { mlWorkerCount, takeMlWorker } from '../app/ml-warmup.ts';
import { importsRunning, resumeImports } from '../app/import-photos.ts';
import { messageFor } from '../app/messages.ts';
import { NotesPane } from './NotesPane.tsx';
import { PeopleScreen } from './PeopleScreen.tsx';
import { createPeopleService } from '../app/people-service.ts';
import { rememberNoteToOpen } from '../app/notebook-search.ts';
import type { SyncService } from '../app/sync-service.ts';
import { SyncPanel } from '../components/SyncPanel.tsx';
import { keepOriginalsDefault } from '../../sync/storage/keep-originals-default.ts';
import { createOriginalsService } from '../app/originals-service.ts';

/** The unlocked vault: notebooks on the left, the chosen notebook's notes on the right. */
export function NotebooksScreen(props: { vault: Vault; onLock: (reason?: string, why?: SessionLockWhy) => void; tabs?: TabChannel; sync?: SyncService; openNotebook?: string | undefined; deviceRequest?: string | undefined }) {
  const vaultVersion = docVersion(props.vault.doc);
  const entries = createMemo(() => (vaultVersion(), props.vault.notebooks.entries()));
  const notebooks = createMemo(() => entries().filter((n) => n.deletedAt === undefined));
  const pendingDeletes = createMemo(() => entries().filter((n) => n.deletedAt !== undefined));
  const [selected, setSelected] = createSignal<string | undefined>(props.openNotebook ?? notebooks()[0]?.id);
  const [syncOpen, setSyncOpen] = createSignal(props.deviceRequest !== undefined);
  // A joined notebook opens at once; on a linked device the notebooks arrive after the first render.
  createEffect(on(() => props.openNotebook, (id) => id && setSelected(id), { defer: true }));
  createEffect(() => selected() === undefined && notebooks()[0] && setSelected(notebooks()[0]!.id));
  const [editing, setEditing] = createSignal<string>();
  /** The notebook list on a phone: folded unless asked for (on a wide screen it is always shown). */
  const [listOpen, setListOpen] = createSignal(false);
  const [view, setView] = createSignal<'notes' | 'settings' | 'people'>('notes');
  const [problem, setNotice] = createSignal<string>();
  const notice = () => problem() ?? settingsNotice();
  // A deleted (or, on another device, removed) notebook cannot stay chosen.
  createEffect(() => {
    const id = selected();
    if (id !== undefined && !notebooks().some((n) => n.id === id)) setSelected(notebooks()[0]?.id);
  });

  // One blob store and one ML queue for the unlocked vault, shared by every notebook.
  const blobs = browserBlobStore();
  const photoLocks = browserPhotoLocks();
  const tagging = createTaggingService(blobs, takeMlWorker, {
    // Called only once photos are tagged, long after peopleService below exists.
    onFaces: (found) => peopleService.onFaces(found),
    loadClassifierModel: (id) => loadClassifierModel(props.vault, id),
    onClassifierProblem: (id, problem) => turnOffClassifier(props.vault, id, problem),
    locks: photoLocks,
    photosAtOnce: mlWorkerCount(),
  });
  // "Group faces" (Settings): people across every notebook, on this device only.
  const facesOn = () => appSettings().faces === true;
  const peopleService = createPeopleService(props.vault, () => tagging, facesOn);
  const openNote = (notebookId: string, noteId: string) => {
    rememberNoteToOpen(notebookId, noteId);
    setSelected(notebookId);
    setView('notes');
  };
  // The lock (this screen going away) stops imports between photos; the next unlock resumes them.
  const stopImports = new AbortController();
  onMount(() => void resumeImports(async (id) => { const r = await props.vault.notebooks.open(id); return r.ok ? r.value : undefined; }, blobs, tagging, photoLocks, stopImports.signal));

  // This device's settings were loaded on unlock (session.ts); auto-lock after the chosen idle time.
  // Held while a new recovery key is on screen (locking then would lose it), and while photos are
  // stored or tagged: work in progress is the person's, even with no key pressed (issue 13 §3).
  // When the work ends the idle minutes count from then.
  const [holdLock, setHoldLock] = createSignal(false);
  const working = () => importsRunning() > 0 || tagging.progress().state === 'running';
  const lockMinutes = () => (holdLock() || working() ? 0 : appSettings().autoLockMinutes);
  // Idle counts every tab of the profile: activity in another tab keeps this one unlocked too.
  const autoLock = startAutoLock({ minutes: lockMinutes, onIdle: () => props.onLock(undefined, 'idle'), ...(props.tabs ? { channel: props.tabs } : {}) });
  createEffect(on(lockMinutes, () => autoLock.reset(), { defer: true }));
  onCleanup(() => {
    stopImports.abort();
    autoLock.stop();
    forgetSettings();
    tagging.dispose();
  });
  const [newName, setNewName] = createSignal('');
  // Originals on this device (issue 18 §5): the person's choice, else what the browser's room allows.
  const [keepDefault] = createResource(() => keepOriginalsDefault());
  const keep = () => appSettings().keepOriginals ?? keepDefault()?.on ?? false;
  const originals = createOriginalsService(props.vault, blobs, keep, vaultVersion);
  // Kept originals are the person's only other copy: ask the browser not to evict them under pressure.
  createEffect(() => {
    if (keep()) void navigator.storage?.persist?.().catch(() => false);
  });

  const [opened] = createResource(selected, async (id) => {
    const result = await props.vault.notebooks.open(id);
    if (!result.ok) throw new Error(messageFor(result.error.code, result.error.message));
    return result.value;
  });

  const create = (event: SubmitEvent) => {
    event.preventDefault();
    const name = newName().trim();
    if (!name) return;
    setSelected(props.vault.notebooks.create(name));
    setNewName('');
  };

  return (
    <>
      <Show
        when={view() === 'notes'}
        fallback={
          <Show
            when={view() === 'people'}
            fallback={<SettingsScreen vault={props.vault} tagging={tagging} originals={originals} keepDefault={keepDefault()} notice={notice()} onClose={() => setView('notes')} onLock={props.onLock} onHoldLock={setHoldLock} sync={props.sync} />}
          >
            <PeopleScreen people={peopleService} blobs={blobs} on={facesOn()} onClose={() => setView('notes')} onLock={() => props.onLock()} onOpenNote={openNote} />
          </Show>
        }
      >
        <div class="shell">
          <TopBar brandIsHeading onLock={() => props.onLock()}>
            <Show when={props.sync}>
              <button type="button" aria-haspopup="dialog" onClick={() => setSyncOpen(true)}>
                Sync
              </button>
            </Show>
            <button type="button" onClick={() => setView('people')}>
              People
            </button>
            <button type="button" onClick={() => setView('settings')}>
              Settings
            </button>
          </TopBar>
          <nav class="sidebar" aria-label="Notebooks" classList={{ folded: !listOpen() && notebooks().length > 0 }}>
            <h2>Notebooks</h2>
            {/* On a phone (styles.css) the list folds behind this button, which names the open notebook. */}
            <button type="button" class="notebooks-toggle" aria-expanded={listOpen() || notebooks().length === 0} aria-controls="notebook-list" onClick={() => setListOpen(!listOpen())}>
              <span class="visually-hidden">Notebooks: </span>
              <span class="nb-dot" data-colour={notebooks().find((n) => n.id === selected())?.colour} aria-hidden="true" />
              <span class="nb-name">{notebooks().find((n) => n.id === selected())?.name || 'Notebooks'}</span>
            </button>
            <Show when={notice()}>
              {(text) => (
                <p class="notice" role="status">
                  {text()}
                </p>
              )}
            </Show>
            <ul class="notebook-list" id="notebook-list">
              <For each={notebooks()} fallback={<li class="empty">No notebooks yet.</li>}>
                {(notebook) => (
                  <li class="notebook-item" data-colour={notebook.colour}>
                    <div class="notebook-row">
                      <button type="button" class="notebook-select" aria-current={selected() === notebook.id ? 'page' : undefined} onClick={() => (setSelected(notebook.id), setListOpen(false))}>
                        <span class="nb-dot" data-colour={notebook.colour} aria-hidden="true" />
                        <span class="nb-name">{notebook.name || 'Untitled notebook'}</span>
                      </button>
                      <Show when={selected() === notebook.id}>
                        <button
                          type="button"
                          class="notebook-edit"
                          aria-label="Edit notebook"
                          title="Rename, colour or delete"
                          aria-expanded={editing() === notebook.id}
                          onClick={() => setEditing(editing() === notebook.id ? undefined : notebook.id)}
                        >
                          ⋯
                        </button>
                      </Show>
                    </div>
                    <Show when={editing() === notebook.id}>
                      <NotebookEditor
                        notebook={notebook}
                        onSave={(name, colour) => {
                          if (name !== notebook.name) props.vault.notebooks.rename(notebook.id, name);
                          if (colour !== notebook.colour) props.vault.notebooks.setColour(notebook.id, colour);
                        }}
                        onDelete={() => {
                          setEditing(undefined);
                          props.vault.notebooks.delete(notebook.id);
                        }}
                        onClose={() => setEditing(undefined)}
                      />
                    </Show>
                  </li>
                )}
              </For>
            </ul>
            <form class="inline-form" onSubmit={create}>
              <label for="new-notebook" class="visually-hidden">
                New notebook name
              </label>
              <input id="new-notebook" placeholder="New notebook" autocomplete="off" value={newName()} onInput={(e) => setNewName(e.currentTarget.value)} />
              <button type="submit">Add</button>
            </form>
          </nav>
          <main class="content">
            <Show when={selected()} fallback={<p class="empty">Create a notebook to start keeping notes.</p>}>
              <Show when={!opened.error} fallback={<p class="error" role="alert">{String(opened.error)}</p>}>
                <Show when={opened()} keyed fallback={<p aria-busy="true">Opening notebook…</p>}>
                  {(notebook) => <NotesPane notebook={notebook} blobs={blobs} tagging={tagging} vault={props.vault} people={peopleService} onOpenNotebook={setSelected} stop={stopImports.signal} />}
                </Show>
              </Show>
            </Show>
          </main>
        </div>
      </Show>
      <Show when={syncOpen() && props.sync}>
        {(sync) => (
          <SyncPanel
            sync={sync()}
            vault={props.vault}
            notebook={opened.state === 'ready' ? opened() : undefined}
            notebookName={notebooks().find((n) => n.id === selected())?.name}
            transfers={() => (selected() ? sync().transfers(selected()!) : undefined)}
            copies={() => (selected() ? originals.copies(selected()!) : undefined)}
            keeping={originals.progress}
            deviceRequest={props.deviceRequest}
            onClose={() => setSyncOpen(false)}
          />
        )}
      </Show>
      <NotebookUndoToast vault={props.vault} blobs={blobs} pending={pendingDeletes()} onUndo={(id) => setSelected(id)} onError={setNotice} />
    </>
  );
}
