import { For, Show } from 'solid-js';
import type { SearchHit, SearchMatch } from '../../ml/search/note-record.ts';
import type { BlobStore } from '../../sync/blob/blob-store.ts';
import { MatchReason } from './MatchReason.tsx';
import { NoteListItem, type NoteRow } from './NoteListItem.tsx';

/** Reasons shown per note: enough to say why, few enough to keep the card short. */
const REASONS_SHOWN = 3;

/**
 * Search results in place of the notes grid: the same cards, each with why it matched.
 * Hits whose note is not listed yet (an index a step ahead of the grid) are skipped.
 */
export function SearchResults(props: {
  query: string;
  hits: readonly SearchHit[];
  notes: ReadonlyMap<string, NoteRow>;
  current: string | undefined;
  onSelect: (id: string) => void;
  blobs: BlobStore;
  notebookId: string;
}) {
  const shown = () => props.hits.filter((hit) => props.notes.has(hit.id));
  const lengthOf = (note: NoteRow) => (field: SearchMatch['field']) =>
    field === 'title' ? note.title.length : field === 'body' ? note.body.length : field === 'ocr' ? Infinity : 0;
  return (
    <section class="search-results" aria-label="Search results" data-query={props.query}>
      <p class="hint" role="status">
        {shown().length === 0 ? '' : `${shown().length} ${shown().length === 1 ? 'note matches' : 'notes match'}`}
      </p>
      <ul>
        <For each={shown()} fallback={<li class="empty">No notes match “{props.query.trim()}”.</li>}>
          {(hit) => (
            <Show when={props.notes.get(hit.id)}>
              {(note) => (
                <NoteListItem note={note()} current={props.current === hit.id} onSelect={() => props.onSelect(hit.id)} blobs={props.blobs} notebookId={props.notebookId}>
                  <ul class="match-reasons" aria-label="Why it matched">
                    <For each={hit.matches.slice(0, REASONS_SHOWN)}>{(match) => <MatchReason match={match} fieldLength={lengthOf(note())} />}</For>
                  </ul>
                </NoteListItem>
              )}
            </Show>
          )}
        </For>
      </ul>
    </section>
  );
}
