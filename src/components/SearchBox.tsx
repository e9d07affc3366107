import { createEffect, createSignal, For, onCleanup, Show } from 'solid-js';
import type { Suggestion } from '../../ml/search/suggest-queries.ts';
import type { DateFilter, SearchScope } from '../app/notebook-search.ts';
import { parseSearchQuery } from '../../ml/search/parse-search-query.ts';
import { typeAhead } from '../../ml/search/type-ahead.ts';

/**
 * The search box above the notes: a combobox whose suggestions (label chips and
 * completions) are picked with the arrows and Enter; Escape closes them, and a second
 * Escape clears the box. `label:` filters in the query show as removable chips.
 */
export function SearchBox(props: {
  suggest: (text: string) => Suggestion[];
  onQuery: (text: string) => void;
  when: DateFilter;
  onWhen: (filter: DateFilter) => void;
  /** Undefined: no choice of notebooks (one notebook only). */
  scope?: SearchScope | undefined;
  onScope?: (scope: SearchScope) => void;
}) {
  const [text, setText] = createSignal('');
  const [open, setOpen] = createSignal(false);
  const [active, setActive] = createSignal(-1);
  const [suggestions, setSuggestions] = createSignal<Suggestion[]>([]);
  let input: HTMLInputElement | undefined;
  // Keystroke to results (issue 17 §2, `npm run bench -- search keystroke`): no fixed wait; the
  // suggestions come after the results are on screen (ml/search/type-ahead.ts).
  const ahead = typeAhead(
    (value) => props.onQuery(value),
    // Offering exactly what is already typed would only hide the results.
    (value) => setSuggestions(value.trim() === '' ? [] : props.suggest(value).filter((s) => s.text.trim() !== value.trim())),
  );
  const commit = (value: string) => ahead.now(value);
  const change = (value: string, now = false) => {
    setText(value);
    setActive(-1);
    setOpen(true);
    if (now) ahead.now(value);
    else ahead.type(value);
  };
  onCleanup(() => ahead.dispose());
  const pick = (s: Suggestion) => {
    change(s.kind === 'label' ? `${s.text} ` : s.text, true);
    setOpen(false);
    input?.focus();
  };
  const chips = () => parseSearchQuery(text()).labels;
  const removeChip = (label: string) => {
    const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    change(text().replace(new RegExp(`(^|\\s)label:("${escaped}"|${escaped})(?=\\s|$)`, 'i'), '').trim(), true);
    setOpen(false);
    // The chip's button is gone with the chip; keep the keyboard in the box.
    input?.focus();
  };
  const shown = () => open() && suggestions().length > 0;
  createEffect(() => {
    if (!shown()) setActive(-1);
  });

  const onKeyDown = (e: KeyboardEvent) => {
    const list = suggestions();
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (list.length === 0) return;
      e.preventDefault();
      setOpen(true);
      const step = e.key === 'ArrowDown' ? 1 : -1;
      // -1 is the box itself: stepping past either end returns to what was typed.
      setActive((i) => (i + step >= list.length ? -1 : i + step < -1 ? list.length - 1 : i + step));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const chosen = shown() ? list[active()] : undefined;
      if (chosen) pick(chosen);
      else {
        commit(text());
        setOpen(false);
      }
    } else if (e.key === 'Escape') {
      // A search input clears itself on Escape; only the second Escape should.
      e.preventDefault();
      if (shown()) setOpen(false);
      else change('', true);
    }
  };

  return (
    <div class="search" role="search">
      <label for="note-search" class="visually-hidden">
        Search notes
      </label>
      <input
        ref={input}
        id="note-search"
        type="search"
        placeholder="Search notes, labels, text in photos"
        autocomplete="off"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={shown()}
        aria-controls="note-search-suggestions"
        aria-activedescendant={active() >= 0 ? `note-search-option-${active()}` : undefined}
        value={text()}
        onInput={(e) => change(e.currentTarget.value, e.currentTarget.value === '')}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
      />
      <Show when={shown()}>
        <ul id="note-search-suggestions" class="suggestions" role="listbox" aria-label="Suggestions">
          <For each={suggestions()}>
            {(s, i) => (
              <li
                id={`note-search-option-${i()}`}
                role="option"
                aria-selected={active() === i()}
                data-kind={s.kind}
                // mousedown, not click: the input's blur would close the list first.
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(s);
                }}
              >
                {s.text}
              </li>
            )}
          </For>
        </ul>
      </Show>
      <div class="search-filters">
        <Show when={props.scope}>
          {(scope) => (
            <span class="search-scope">
              <label for="note-search-scope">In</label>
              <select id="note-search-scope" value={scope()} onChange={(e) => props.onScope?.(e.currentTarget.value === 'all' ? 'all' : 'this')}>
                <option value="this">This notebook</option>
                <option value="all">All notebooks</option>
              </select>
            </span>
          )}
        </Show>
        <DateFilterControls when={props.when} onWhen={props.onWhen} />
      </div>
      <Show when={chips().length > 0}>
        <ul class="chip-list search-chips" aria-label="Label filters">
          <For each={chips()}>
            {(label) => (
              <li class="chip">
                label: {label}
                <button type="button" class="chip-remove" aria-label={`Remove filter label ${label}`} onClick={() => removeChip(label)}>
                  ×
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}

const SPANS: readonly { value: string; text: string; filter: DateFilter }[] = [
  { value: 'any', text: 'Any time', filter: { kind: 'any' } },
  { value: 'today', text: 'Today', filter: { kind: 'today' } },
  { value: '7', text: 'Last 7 days', filter: { kind: 'days', days: 7 } },
  { value: '30', text: 'Last 30 days', filter: { kind: 'days', days: 30 } },
  { value: '365', text: 'Last 12 months', filter: { kind: 'days', days: 365 } },
  { value: 'range', text: 'Between dates…', filter: { kind: 'range' } },
];

const valueOf = (filter: DateFilter) => (filter.kind === 'days' ? String(filter.days) : filter.kind);

/** "When": a span ending today, or two dates; applied on top of the words typed. */
function DateFilterControls(props: { when: DateFilter; onWhen: (filter: DateFilter) => void }) {
  const range = () => (props.when.kind === 'range' ? props.when : undefined);
  return (
    <div class="search-when">
      <label for="note-search-when">When</label>
      <select
        id="note-search-when"
        value={valueOf(props.when)}
        onChange={(e) => props.onWhen(SPANS.find((s) => s.value === e.currentTarget.value)?.filter ?? { kind: 'any' })}
      >
        <For each={SPANS}>{(s) => <option value={s.value}>{s.text}</option>}</For>
      </select>
      <Show when={range()}>
        {(r) => (
          <>
            <label for="note-search-from">From</label>
            <input id="note-search-from" type="date" autocomplete="off" value={r().from ?? ''} onChange={(e) => props.onWhen({ ...r(), from: e.currentTarget.value || undefined })} />
            <label for="note-search-to">To</label>
            <input id="note-search-to" type="date" autocomplete="off" value={r().to ?? ''} onChange={(e) => props.onWhen({ ...r(), to: e.currentTarget.value || undefined })} />
          </>
        )}
      </Show>
    </div>
  );
}
