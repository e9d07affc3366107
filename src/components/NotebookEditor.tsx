import { createSignal, For, Show } from 'solid-js';
import { NOTEBOOK_COLOURS, type NotebookColour, type NotebookEntry } from '../../sync/vault/notebook-meta.ts';
import { NotebookDeleteDialog } from './NotebookDeleteDialog.tsx';

const colourName = (c: NotebookColour) => c[0]?.toUpperCase() + c.slice(1);

/** Rename, recolour or delete the chosen notebook (inline, under its list entry). */
export function NotebookEditor(props: {
  notebook: NotebookEntry;
  onSave: (name: string, colour: NotebookColour) => void;
  onDelete: () => void;
  onClose: () => void;
}) {
  const [name, setName] = createSignal(props.notebook.name);
  const [colour, setColour] = createSignal<NotebookColour>(props.notebook.colour);
  const [confirming, setConfirming] = createSignal(false);
  const [problem, setProblem] = createSignal<string>();

  const save = (event: SubmitEvent) => {
    event.preventDefault();
    const trimmed = name().trim();
    if (!trimmed) {
      setProblem('A notebook needs a name.');
      return;
    }
    props.onSave(trimmed, colour());
    props.onClose();
  };

  return (
    <form class="notebook-editor" aria-label="Edit notebook" onSubmit={save} onKeyDown={(e) => e.key === 'Escape' && !confirming() && props.onClose()}>
      <label for="notebook-name">Notebook name</label>
      <input id="notebook-name" autocomplete="off" value={name()} maxLength={200} onInput={(e) => setName(e.currentTarget.value)} autofocus />
      <fieldset class="colour-choices">
        <legend>Colour</legend>
        <For each={NOTEBOOK_COLOURS}>
          {(c) => (
            <label class="swatch" title={colourName(c)}>
              <input type="radio" name="notebook-colour" value={c} checked={colour() === c} onChange={() => setColour(c)} />
              <span class="nb-dot" data-colour={c} aria-hidden="true" />
              <span class="visually-hidden">{colourName(c)}</span>
            </label>
          )}
        </For>
      </fieldset>
      <Show when={problem()}>{(text) => <p class="error" role="alert">{text()}</p>}</Show>
      <div class="row">
        <button type="submit" class="primary">Save</button>
        <button type="button" onClick={() => props.onClose()}>Cancel</button>
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          Delete…
        </button>
      </div>
      <Show when={confirming()}>
        <NotebookDeleteDialog
          name={props.notebook.name}
          onConfirm={() => {
            setConfirming(false);
            props.onDelete();
          }}
          onCancel={() => setConfirming(false)}
        />
      </Show>
    </form>
  );
}
