import { For, Show } from 'solid-js';
import type { SearchMatch, Snippet, TextRange } from '../../ml/search/note-record.ts';

const FIELD_NAMES: Readonly<Record<SearchMatch['field'], string>> = { title: 'title', body: 'text', label: 'label', synonym: 'label', broader: 'label', ocr: 'photo text', notebook: 'notebook', maybe: 'maybe', person: 'person' };

interface Part {
  readonly text: string;
  readonly marked: boolean;
}

/** Splits a snippet at its highlight offsets; the parts render as text nodes, so nothing is parsed as HTML. */
export function highlightParts(text: string, highlights: readonly TextRange[]): Part[] {
  const parts: Part[] = [];
  let at = 0;
  for (const { start, end } of [...highlights].sort((a, b) => a.start - b.start)) {
    if (start < at || end <= start) continue;
    if (start > at) parts.push({ text: text.slice(at, start), marked: false });
    parts.push({ text: text.slice(start, end), marked: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), marked: false });
  return parts;
}

function Highlighted(props: { snippet: Snippet; fieldLength: number }) {
  return (
    <span class="match-snippet">
      {props.snippet.start > 0 ? '…' : ''}
      <For each={highlightParts(props.snippet.text, props.snippet.highlights)}>{(part) => (part.marked ? <mark>{part.text}</mark> : part.text)}</For>
      {props.snippet.end < props.fieldLength ? '…' : ''}
    </span>
  );
}

/**
 * One reason a note matched: "label: cat", "label: cat (kitty)" for a synonym,
 * "label: cat (animal)" for a broader term, "maybe: clock" for a label under the tag bar
 * (issue 16: never shown as a tag, so it says it is a guess), or "text: …the receipt…" with
 * the matched word marked.
 */
export function MatchReason(props: { match: SearchMatch; fieldLength: (field: SearchMatch['field']) => number }) {
  const m = () => props.match;
  return (
    <li class="match-reason" data-field={m().field}>
      <span class="match-field">{FIELD_NAMES[m().field]}:</span>{' '}
      <Show
        when={m().field !== 'label' && m().field !== 'broader' && m().field !== 'maybe' && m().snippet}
        fallback={
          <span class="match-snippet">
            <mark>{m().label ?? m().term}</mark>
            {m().field === 'broader' || m().field === 'synonym' ? ` (${m().term})` : ''}
          </span>
        }
      >
        {(snippet) => <Highlighted snippet={snippet()} fieldLength={props.fieldLength(m().field)} />}
      </Show>
    </li>
  );
}
