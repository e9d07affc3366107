import { onMount } from 'solid-js';
import { NOTEBOOK_UNDO_MS } from '../../sync/vault/notebook-meta.ts';

/** A modal question before a notebook goes; Escape or Cancel keeps it. */
export function NotebookDeleteDialog(props: { name: string; onConfirm: () => void; onCancel: () => void }) {
  let dialog: HTMLDialogElement | undefined;
  onMount(() => dialog?.showModal());
  const close = (then: () => void) => {
    dialog?.close();
    then();
  };
  return (
    <dialog
      ref={dialog}
      class="confirm-dialog"
      aria-labelledby="delete-notebook-title"
      aria-describedby="delete-notebook-text"
      onCancel={(e) => {
        e.preventDefault();
        close(props.onCancel);
      }}
    >
      <h2 id="delete-notebook-title">Delete “{props.name || 'Untitled notebook'}”?</h2>
      <p id="delete-notebook-text" class="hint">
        Its notes and photos are removed from this device and your other devices. You can undo for {NOTEBOOK_UNDO_MS / 1000} seconds.
      </p>
      <div class="row">
        <button type="button" class="danger" onClick={() => close(props.onConfirm)}>
          Delete notebook
        </button>
        {/* Focus starts on the harmless choice. */}
        <button type="button" autofocus onClick={() => close(props.onCancel)}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
