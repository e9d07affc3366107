import type { NoteRecord, SearchMatch } from './note-record.ts';
import { normalizeLabel } from './tokenize.ts';

/** A note as the index keeps it: the record plus its labels resolved once, at upsert. */
export interface IndexedNote {
  readonly record: NoteRecord;
  /** Normalized label, and each comma-separated synonym of it -> the label as given. */
  readonly labels: ReadonlyMap<string, string>;
  /** Broader taxonomy term -> the (first) label it comes from. */
  readonly broader: ReadonlyMap<string, string>;
  /** What was indexed, kept to take exactly that out again (its strings are the record's). */
  readonly doc: IndexDocument;
}

/** The flat document the term index reads; field names are the index's field names (FIELDS). */
export interface IndexDocument {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly labels: string;
  readonly broader: string;
  readonly ocr: string;
  readonly maybe: string;
  /** Labels as whole keys (normalized labels, their parts, labels they resolve to, broader terms) and the notebook's key: what the expansion table and notebook names reach. */
  readonly keys: readonly string[];
}

/**
 * A label's words as the labels field indexes them. A word that is a label of
 * its own names another thing unless the label is a kind of it: "dog" in "hot dog" and
 * "bear" in "teddy bear" are left out, "cat" in "tabby cat" stays. The whole label is still
 * reached by its key: typed as a phrase, or through the expansion table.
 */
export function labelFieldText(labels: readonly string[], isLabel: (word: string) => boolean, broaderOf: (label: string) => readonly string[]): string {
  const parts: string[] = [];
  for (const label of labels) {
    for (const part of normalizeLabel(label).split(', ')) {
      const words = part.split(' ');
      parts.push(words.length === 1 ? part : words.filter((w) => !isLabel(w) || broaderOf(part).includes(w)).join(' '));
    }
  }
  // Commas keep "hot dog, cup" from reading as the phrase "dog cup" in snippets.
  return parts.filter((p) => p !== '').join(', ');
}

/** What a note's labels and candidates index as: the same for every note with the same label names. */
export interface LabelParts {
  readonly labels: ReadonlyMap<string, string>;
  readonly broader: ReadonlyMap<string, string>;
  readonly labelText: string;
  readonly broaderText: string;
  readonly maybe: string;
  readonly keys: readonly string[];
}

/** The names LabelParts depends on, as one string: NoteSearchIndex computes the parts once per distinct set (a vault has few). */
export function labelPartsKey(record: NoteRecord): string {
  return JSON.stringify([record.labels.map((l) => l.label), (record.candidates ?? []).map((c) => c.label)]);
}

export function labelParts(record: NoteRecord, broaderOf: (label: string) => readonly string[], isLabel: (word: string) => boolean): LabelParts {
  const labels = new Map<string, string>();
  const broader = new Map<string, string>();
  for (const { label } of record.labels) {
    const normalized = normalizeLabel(label);
    if (normalized === '') continue;
    labels.set(normalized, label);
    for (const synonym of normalized.split(', ')) if (!labels.has(synonym)) labels.set(synonym, label);
  }
  for (const [normalized, label] of labels) {
    for (const term of broaderOf(normalized)) if (!labels.has(term) && !broader.has(term)) broader.set(term, label);
  }
  return {
    labels,
    broader,
    labelText: labelFieldText(record.labels.map((l) => l.label), isLabel, broaderOf),
    broaderText: [...broader.keys()].join(', '),
    // A guess keeps all its words: it ranks below everything, and no phrase key reaches it.
    maybe: maybeLabels(record).join(', '),
    keys: [...labels.keys(), ...broader.keys()],
  };
}

export function indexNote(
  record: NoteRecord,
  broaderOf: (label: string) => readonly string[],
  isLabel: (word: string) => boolean,
  parts: LabelParts = labelParts(record, broaderOf, isLabel),
): { note: IndexedNote; doc: IndexDocument } {
  const { labels, broader } = parts;
  const doc: IndexDocument = {
    id: record.id,
    title: record.title,
    body: record.body,
    labels: parts.labelText,
    broader: parts.broaderText,
    ocr: record.ocrText,
    maybe: parts.maybe,
    keys: [...parts.keys, notebookKey(record.notebookId)],
  };
  return { note: { record, labels, broader, doc }, doc };
}

/** The candidates whose name is not a tag's too (a tag already finds the note, and ranks it higher). */
export function maybeLabels(record: NoteRecord): string[] {
  const tags = new Set(record.labels.map((l) => l.label));
  return [...new Set((record.candidates ?? []).map((c) => c.label))].filter((l) => !tags.has(l));
}

/** The key every note of a notebook carries, for words of the notebook's name. A label never has a colon (normalizeLabel). */
export function notebookKey(notebookId: string): string {
  return `notebook:${notebookId}`;
}

/**
 * Why a note passes a `label:` chip, or undefined if it does not: the label itself (or a
 * synonym), else a broader term of one of its labels (`label:animal` for a cat).
 */
export function labelMatch(note: IndexedNote, label: string): SearchMatch | undefined {
  const own = note.labels.get(label);
  if (own !== undefined) return { field: 'label', term: label, query: `label:${label}`, label: own };
  const via = note.broader.get(label);
  if (via !== undefined) return { field: 'broader', term: label, query: `label:${label}`, label: via };
  return undefined;
}

/**
 * The app calls upsert on every change of a note's Y.Map, most of which (updatedAt,
 * a photo's blob state) do not touch what is indexed; those skip the re-index.
 */
export function sameIndexedContent(a: NoteRecord, b: NoteRecord): boolean {
  return (
    a.notebookId === b.notebookId &&
    a.title === b.title &&
    a.body === b.body &&
    a.ocrText === b.ocrText &&
    a.createdAt === b.createdAt &&
    a.labels.length === b.labels.length &&
    a.labels.every((l, i) => l.label === b.labels[i]?.label && l.score === b.labels[i]?.score && l.source === b.labels[i]?.source) &&
    maybeLabels(a).join('\n') === maybeLabels(b).join('\n')
  );
}
