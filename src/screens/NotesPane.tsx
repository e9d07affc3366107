import { createMemo, createSignal, For, Show } from 'solid-js';
import { createNote, readNotes } from '../../sync/notebook/notes.ts';
import type { OpenNotebook } from '../../sync/vault/vault.ts';
import { docVersion } from '../app/doc-version.ts';
import { NoteEditor } from '../components/NoteEditor.tsx';

/** One notebook: its notes, newest first, and the editor for the chosen one. */
export function NotesPane(props: { notebook: OpenNotebook }) {
  const version = docVersion(props.notebook.doc);
  const notes = createMemo(() => (version(), readNotes(props.notebook.doc)));
  const [selected, setSelected] = createSignal<string>();
  const current = () => notes().find((note) => note.id === selected()) ?? notes()[0];

  const add = () => setSelected(createNote(props.notebook.doc, { title: '' }));

  return (
    <div class="notes">
      <section class="note-list" aria-label="Notes">
        <button type="button" class="primary" onClick={add}>
          New note
        </button>
        <ul>
          <For each={notes()} fallback={<li class="empty">No notes yet.</li>}>
            {(note) => (
              <li>
                <button type="button" aria-current={current()?.id === note.id ? 'true' : undefined} onClick={() => setSelected(note.id)}>
                  <strong>{note.title || 'Untitled'}</strong>
                  <span class="snippet">{note.body.slice(0, 80)}</span>
                </button>
              </li>
            )}
          </For>
        </ul>
      </section>
      {/* Keyed by id, not by the note view: a new view per keystroke would remount the editor. */}
      <Show when={current()?.id} keyed>
        {(id) => <NoteEditor notebook={props.notebook} noteId={id} />}
      </Show>
    </div>
  );
}
