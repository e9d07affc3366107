import { createSignal, For, Show } from 'solid-js';
import type { LabelRecord } from '../../sync/notebook/labels.ts';

/**
 * Labels with their score. The model's scores are uncalibrated (0.5 is a confident
 * CenterNet), so the number is shown as it is rather than hidden behind a threshold.
 * Hand-added labels look different and carry no score; a model label the person confirmed
 * shows as theirs ("confirmed") and keeps its model box in the photo.
 */
export function LabelChips(props: {
  labels: readonly LabelRecord[];
  onRemove?: (label: string) => void;
  onAdd?: (label: string) => void;
  onConfirm?: (label: string) => void;
  /** Names offered while typing a new label (the label set the search knows). */
  vocabulary?: readonly string[];
}) {
  const [draft, setDraft] = createSignal('');
  // One chip per name: the user's entry wins (it is what the person said), else the best score.
  const unique = () => {
    const best = new Map<string, LabelRecord>();
    for (const l of props.labels) {
      const held = best.get(l.label);
      if (!held || (held.source !== 'user' && (l.source === 'user' || held.score < l.score))) best.set(l.label, l);
    }
    return [...best.values()].sort((a, b) => (a.source === b.source ? b.score - a.score : a.source === 'user' ? -1 : 1));
  };
  const foundByModel = (label: string) => props.labels.some((l) => l.label === label && l.source === 'model');
  return (
    <div class="chips">
      <ul class="chip-list" aria-label="Labels">
        <For each={unique()} fallback={<li class="empty">No labels.</li>}>
          {(l) => (
            <li
              class="chip"
              data-source={l.source}
              data-confirmed={l.source === 'user' && foundByModel(l.label) ? '' : undefined}
              title={l.source === 'model' ? `Found by ${l.modelId} ${l.modelVersion}` : foundByModel(l.label) ? 'Found by the model, confirmed by you' : 'Added by you'}
            >
              <span class="chip-name">{l.label}</span>
              <Show when={l.source === 'model'} fallback={<span class="chip-score">{foundByModel(l.label) ? '✓ confirmed' : '✓ yours'}</span>}>
                <span class="chip-score">{Math.round(l.score * 100)}%</span>
                <Show when={props.onConfirm}>
                  {(confirm) => (
                    <button type="button" class="chip-confirm" aria-label={`Confirm label ${l.label}`} title="Confirm: this label is right" onClick={() => confirm()(l.label)}>
                      ✓
                    </button>
                  )}
                </Show>
              </Show>
              <Show when={props.onRemove}>
                {(remove) => (
                  <button type="button" class="chip-remove" aria-label={`Remove label ${l.label}`} onClick={() => remove()(l.label)}>
                    ×
                  </button>
                )}
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={props.onAdd}>
        {(add) => (
          <form
            class="inline-form add-label"
            onSubmit={(e) => {
              e.preventDefault();
              if (draft().trim()) add()(draft());
              setDraft('');
            }}
          >
            <label for="add-label" class="visually-hidden">
              New label
            </label>
            <input id="add-label" placeholder="Add a label" list="add-label-options" autocomplete="off" value={draft()} onInput={(e) => setDraft(e.currentTarget.value)} />
            <datalist id="add-label-options">
              <For each={props.vocabulary ?? []}>{(term) => <option value={term} />}</For>
            </datalist>
            <button type="submit">Tag</button>
          </form>
        )}
      </Show>
    </div>
  );
}
