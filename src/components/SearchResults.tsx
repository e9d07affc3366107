import { For, Show, type JSX } from 'solid-js';
import type { SearchHit, SearchMatch } from '../../ml/search/note-record.ts';
import { MatchReason } from './MatchReason.tsx';
import type { NoteRow } from './NoteListItem.tsx';

/** Reasons shown per note: enough to say why, few enough to keep the card short. */
const REASONS_SHOWN = 3;

/**
 * Search results in place of the notes grid: the same cards, each with why it matched.
 * Hits whose note is not readable yet (an index a step ahead of the doc) are skipped.
 */
export function SearchResults(props: {
  query: string;
  hits: readonly SearchHit[];
  rowOf: (id: string) => NoteRow | undefined;
  card: (id: string, reasons: JSX.Element) => JSX.Element;
}) {
  const shown = () => props.hits.filter((hit) => props.rowOf(hit.id) !== undefined);
  const lengthOf = (id: string) => (field: SearchMatch['field']) => {
    const note = props.rowOf(id);
    return field === 'title' ? (note?.title.length ?? 0) : field === 'body' ? (note?.body.length ?? 0) : field === 'ocr' ? Infinity : 0;
  };
  const nothing = () => (props.query.trim() === '' ? 'No notes in this time span.' : `No notes match “${props.query.trim()}”.`);
  return (
    <section class="search-results" aria-label="Search results" data-query={props.query}>
      <p class="hint" role="status">
        {shown().length === 0 ? '' : `${shown().length} ${shown().length === 1 ? 'note matches' : 'notes match'}`}
      </p>
      <ul>
        <For each={shown()} fallback={<li class="empty">{nothing()}</li>}>
          {(hit) =>
            props.card(
              hit.id,
              <Show when={hit.matches.length > 0}>
                <ul class="match-reasons" aria-label="Why it matched">
                  <For each={hit.matches.slice(0, REASONS_SHOWN)}>{(match) => <MatchReason match={match} fieldLength={lengthOf(hit.id)} />}</For>
                </ul>
              </Show>,
            )
          }
        </For>
      </ul>
    </section>
  );
}
