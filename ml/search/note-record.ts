/**
 * What the search index reads: a plain record, not a Y.Doc. ml/ never imports sync/
 * (ARCHITECTURE §1); the app turns a notebook's notes into these and calls
 * `upsert` when a note changes.
 */
export interface NoteLabel {
  readonly label: string;
  /** The model's confidence; a label the person added has source 'user'. */
  readonly score: number;
  readonly source: 'model' | 'user';
}

export interface NoteRecord {
  readonly id: string;
  readonly notebookId: string;
  readonly title: string;
  readonly body: string;
  /** Tags: what `label:` chips and the label list match. */
  readonly labels: readonly NoteLabel[];
  /** "Maybe" labels (under the tag bar): found by words, ranked lower, marked 'maybe'. */
  readonly candidates?: readonly NoteLabel[];
  /** All OCR lines of the note's photos, joined by newlines. */
  readonly ocrText: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

/**
 * Where a term matched: 'synonym' is a word for one of the labels ("motorbike" for
 * motorcycle), 'broader' a broader term of one ("vehicle"), both from ml/search/expansion.json
 * or the taxonomy; 'notebook' a word of the name of the notebook the note is in; 'maybe' a
 * candidate label (under the tag bar, never shown as a tag).
 */
export type MatchField = 'title' | 'body' | 'label' | 'synonym' | 'broader' | 'ocr' | 'notebook' | 'maybe' | 'person';

/** A range of a field's text to highlight, UTF-16 offsets, end exclusive. */
export interface TextRange {
  readonly start: number;
  readonly end: number;
}

/**
 * A short excerpt around a match. `text` is `fieldText.slice(start, end)` with line
 * breaks as spaces (one for one, so offsets hold); the
 * highlights are offsets into `text`. Ranges rather than HTML, so the UI escapes
 * nothing and decides the markup itself.
 */
export interface Snippet {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly highlights: readonly TextRange[];
}

/** One reason a note matched, e.g. "label: cat (animal)" or "OCR: …receipt…". */
export interface SearchMatch {
  readonly field: MatchField;
  /** The indexed term that matched ("receipt" for the query "recipt"). */
  readonly term: string;
  /** The query term or filter value that found it. */
  readonly query: string;
  /** For 'label', 'synonym', 'broader' and 'maybe': the note's label (or candidate) that carries the term (its box on the photo). */
  readonly label?: string;
  readonly snippet?: Snippet;
  /** For 'ocr': the index of the OCR line the first highlight is on (its box on the photo). */
  readonly line?: number;
  /**
   * For 'person' (a person's name, from the People screen; src/app/person-hits.ts, not the
   * index): the index of the face in the note's face boxes (its box on the photo).
   */
  readonly face?: number;
}

export interface SearchHit {
  readonly id: string;
  /** Relevance; comparable only within one result list. */
  readonly score: number;
  readonly matches: readonly SearchMatch[];
}
