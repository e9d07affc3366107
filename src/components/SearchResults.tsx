import { createMemo, createSignal, For, onCleanup, Show, type JSX } from 'solid-js';
import type { SearchHit, SearchMatch } from '../../ml/search/note-record.ts';
import { MatchReason } from './MatchReason.tsx';
import type { NoteRow } from './NoteListItem.tsx';

/** Reasons shown per note: enough to say why, few enough to keep the card short. */
const REASONS_SHOWN = 3;
/** New cards made with the results: more than a tall screen shows; the rest come a frame later. */
const FIRST_CARDS = 12;

/**
 * Search results in place of the notes grid: the same cards, each with why it matched.
 * Hits whose note is not readable yet (an index a step ahead of the doc) are skipped.
 *
 * Note: the list is keyed by note id, not by hit: a keystroke makes new hit objects for
 * mostly the same notes, and re-creating every card (and its thumbnail) each time was
 * most of the time from keystroke to results. A card stays; only its reasons change.
 * New cards past the first screenful are made in the task after the frame that shows
 * the first ones (issue 17 §2: keystroke to rendered results), with `aria-busy` meanwhile.
 */
export function SearchResults(props: {
  query: string;
  hits: readonly SearchHit[];
  rowOf: (id: string) => NoteRow | undefined;
  card: (id: string, reasons: JSX.Element) => JSX.Element;
}) {
  const byId = createMemo(() => new Map(props.hits.map((hit) => [hit.id, hit])));
  const shown = createMemo(() => props.hits.filter((hit) => props.rowOf(hit.id) !== undefined).map((hit) => hit.id), [], {
    equals: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]),
  });
  // Cards already on screen stay, in their new places; new ones past FIRST_CARDS wait for
  // the frame after. `completed` is the list of hits the rest were made for.
  const [completed, setCompleted] = createSignal<readonly string[]>();
  let made = new Set<string>();
  let frame = 0;
  let task: ReturnType<typeof setTimeout> | undefined;
  const later = (ids: readonly string[]) => {
    cancelAnimationFrame(frame);
    clearTimeout(task);
    frame = requestAnimationFrame(() => (task = setTimeout(() => setCompleted(ids))));
  };
  onCleanup(() => (cancelAnimationFrame(frame), clearTimeout(task)));
  const rendered = createMemo(() => {
    const ids = shown();
    const now = completed() === ids ? ids : ids.filter((id, i) => i < FIRST_CARDS || made.has(id));
    made = new Set(now);
    if (now.length < ids.length) later(ids);
    return now;
  });
  const lengthOf = (id: string) => (field: SearchMatch['field']) => {
    const note = props.rowOf(id);
    return field === 'title' ? (note?.title.length ?? 0) : field === 'body' ? (note?.body.length ?? 0) : field === 'ocr' ? Infinity : 0;
  };
  const nothing = () => (props.query.trim() === '' ? 'No notes in this time span.' : `No notes match “${props.query.trim()}”.`);
  return (
    <section class="search-results" aria-label="Search results" data-query={props.query} aria-busy={rendered().length < shown().length}>
      <p class="hint" role="status">
        {shown().length === 0 ? '' : `${shown().length} ${shown().length === 1 ? 'note matches' : 'notes match'}`}
      </p>
      <ul>
        <For each={rendered()} fallback={<li class="empty">{nothing()}</li>}>
          {(id) => {
            const matches = () => byId().get(id)?.matches ?? [];
            return props.card(
              id,
              <Show when={matches().length > 0}>
                <ul class="match-reasons" aria-label="Why it matched">
                  <For each={matches().slice(0, REASONS_SHOWN)}>{(match) => <MatchReason match={match} fieldLength={lengthOf(id)} />}</For>
                </ul>
              </Show>,
            );
          }}
        </For>
      </ul>
    </section>
  );
}
