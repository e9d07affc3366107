import { createMemo, createSignal, For, Show } from 'solid-js';
import type { BlobStore } from '../../sync/blob/blob-store.ts';
import { readNote } from '../../sync/notebook/notes.ts';
import { noteOfFace } from '../../sync/vault/people.ts';
import type { Person } from '../../ml/faces/people-groups.ts';
import { messageFor } from '../app/messages.ts';
import type { PeopleService } from '../app/people-service.ts';
import { FaceThumb } from '../components/FaceThumb.tsx';
import { TopBar } from '../components/TopBar.tsx';

const nameOf = (p: Person) => p.name ?? 'Unnamed person';
const photos = (n: number) => `${n} photo${n === 1 ? '' : 's'}`;

/**
 * People (issue 17 §1): one face per person with how many photos they are in; a person's
 * page names, merges, hides them, moves a wrong face out and lists their notes.
 */
export function PeopleScreen(props: {
  people: PeopleService;
  blobs: BlobStore;
  on: boolean;
  onClose: () => void;
  onLock: () => void;
  onOpenNote: (notebookId: string, noteId: string) => void;
}) {
  const [chosen, setChosen] = createSignal<string>();
  const [showHidden, setShowHidden] = createSignal(false);
  // A person's id is their smallest face id: after a merge or a move it may change, so follow a face.
  const person = createMemo(() => {
    const id = chosen();
    return id === undefined ? undefined : props.people.people().find((p) => p.faceIds.includes(id));
  });
  const shown = () => props.people.people().filter((p) => showHidden() || !p.hidden);
  const hiddenCount = () => props.people.people().filter((p) => p.hidden).length;

  return (
    <div class="people-page">
      <TopBar brandIsHeading={false} onLock={props.onLock}>
        <button type="button" onClick={() => (person() ? setChosen(undefined) : props.onClose())}>
          {person() ? 'All people' : 'Back to notebooks'}
        </button>
      </TopBar>
      <main class="content people">
        <Show
          when={person()}
          fallback={
            <>
              <h1>People</h1>
              <Show when={props.people.problem()}>{(code) => <p class="error" role="alert" data-code={code()}>{messageFor(code())}</p>}</Show>
              <Show when={props.on} fallback={<p class="hint">Turn on “Group faces” in Settings to see the people in your photos.</p>}>
                <ul class="people-list" aria-label="People">
                  <For each={shown()} fallback={<li class="empty">No faces found yet.</li>}>
                    {(p) => (
                      <li class="person-card" data-person-id={p.id} data-hidden={p.hidden ? 'true' : undefined}>
                        <button type="button" class="person-open" onClick={() => setChosen(p.id)}>
                          <FaceThumb faceId={p.id} people={props.people} blobs={props.blobs} label={nameOf(p)} />
                          <span class="person-name">{nameOf(p)}</span>
                          <span class="person-count">{photos(p.notes.length)}</span>
                        </button>
                      </li>
                    )}
                  </For>
                </ul>
                <Show when={hiddenCount() > 0}>
                  <label class="check">
                    <input type="checkbox" checked={showHidden()} onChange={(e) => setShowHidden(e.currentTarget.checked)} />
                    Show hidden people ({hiddenCount()})
                  </label>
                </Show>
              </Show>
            </>
          }
        >
          {(p) => <PersonPage person={p()} people={props.people} blobs={props.blobs} onOpenNote={props.onOpenNote} onChoose={setChosen} />}
        </Show>
      </main>
    </div>
  );
}

function PersonPage(props: { person: Person; people: PeopleService; blobs: BlobStore; onOpenNote: (notebookId: string, noteId: string) => void; onChoose: (faceId: string) => void }) {
  const [name, setName] = createSignal(props.person.name ?? '');
  const [mergeWith, setMergeWith] = createSignal('');
  const others = () => props.people.people().filter((p) => p.id !== props.person.id && !p.hidden);
  const save = (e: SubmitEvent) => {
    e.preventDefault();
    props.people.name(props.person, name());
  };
  const merge = () => {
    const other = others().find((p) => p.id === mergeWith());
    if (other) props.people.merge(props.person, other);
    setMergeWith('');
  };
  const noteTitle = (key: string) => {
    const [notebookId = '', noteId = ''] = key.split('/');
    const face = props.person.faceIds.find((f) => f.startsWith(`${key}#`));
    const notebook = face ? props.people.faceOf(face)?.notebook : undefined;
    const note = notebook && readNote(notebook.doc, noteId);
    return { notebookId, noteId, title: note ? note.title || 'Untitled note' : 'A note not open on this device' };
  };
  return (
    <section class="person" aria-labelledby="person-title" data-person-id={props.person.id}>
      <h1 id="person-title">{nameOf(props.person)}</h1>
      <p class="hint">{photos(props.person.notes.length)}{props.person.hidden ? ' · hidden' : ''}</p>
      <form class="inline-form" onSubmit={save}>
        <label for="person-name">Name</label>
        <input id="person-name" autocomplete="off" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
        <button type="submit">Save name</button>
      </form>
      <div class="person-actions">
        <button type="button" onClick={() => props.people.hide(props.person, !props.person.hidden)}>
          {props.person.hidden ? 'Show this person' : 'Hide this person'}
        </button>
        <Show when={others().length > 0}>
          <label for="merge-with">Same person as</label>
          <select id="merge-with" value={mergeWith()} onChange={(e) => setMergeWith(e.currentTarget.value)}>
            <option value="">Choose…</option>
            <For each={others()}>{(o) => <option value={o.id}>{`${nameOf(o)} (${photos(o.notes.length)})`}</option>}</For>
          </select>
          <button type="button" disabled={mergeWith() === ''} onClick={merge}>
            Merge
          </button>
        </Show>
      </div>
      <h2>Faces</h2>
      <ul class="face-list" aria-label="Faces">
        <For each={props.person.faceIds}>
          {(faceId) => (
            <li data-face-id={faceId}>
              <FaceThumb faceId={faceId} people={props.people} blobs={props.blobs} label={`Face in ${noteTitle(`${noteOfFace(faceId).notebookId}/${noteOfFace(faceId).noteId}`).title}`} />
              <Show when={props.person.faceIds.length > 1}>
                <button
                  type="button"
                  onClick={() => {
                    props.people.moveOut(props.person, faceId);
                    props.onChoose(props.person.faceIds.find((f) => f !== faceId) ?? faceId);
                  }}
                >
                  Not this person
                </button>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <h2>Notes</h2>
      <ul class="person-notes" aria-label="Notes with this person">
        <For each={props.person.notes}>
          {(key) => {
            const n = noteTitle(key);
            return (
              <li>
                <button type="button" onClick={() => props.onOpenNote(n.notebookId, n.noteId)}>
                  {n.title}
                </button>
              </li>
            );
          }}
        </For>
      </ul>
    </section>
  );
}
