import { createSignal, For, Show } from 'solid-js';
import type { LabelRecord } from '../../sync/notebook/labels.ts';

/**
 * Labels with their score. The model's scores are uncalibrated (0.5 is a confident
 * CenterNet), so the number is shown as it is rather than hidden behind a threshold.
 * Hand-added labels look different and carry no score.
 */
export function LabelChips(props: {
  labels: readonly LabelRecord[];
  onRemove?: (label: string) => void;
  onAdd?: (label: string) => void;
}) {
  const [draft, setDraft] = createSignal('');
  const unique = () => {
    const best = new Map<string, LabelRecord>();
    for (const l of props.labels) if ((best.get(l.label)?.score ?? -1) < l.score) best.set(l.label, l);
    return [...best.values()].sort((a, b) => b.score - a.score);
  };
  return (
    <div class="chips">
      <ul class="chip-list" aria-label="Labels">
        <For each={unique()} fallback={<li class="empty">No labels.</li>}>
          {(l) => (
            <li class="chip" data-source={l.source} title={l.source === 'user' ? 'Added by you' : `${l.modelId} ${l.modelVersion}`}>
              <span class="chip-name">{l.label}</span>
              <Show when={l.source === 'model'} fallback={<span class="chip-score">yours</span>}>
                <span class="chip-score">{Math.round(l.score * 100)}%</span>
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
            <input id="add-label" placeholder="Add a label" value={draft()} onInput={(e) => setDraft(e.currentTarget.value)} />
            <button type="submit">Tag</button>
          </form>
        )}
      </Show>
    </div>
  );
}
