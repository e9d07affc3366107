import * as Y from 'yjs';
import { notesMap } from './notes.ts';

export type LabelBox = readonly [number, number, number, number];
export type Point = readonly [number, number];

/** One tag on a photo. `source: 'user'` labels were added by hand and survive re-indexing. */
export interface LabelRecord {
  readonly label: string;
  readonly score: number;
  /** [x1, y1, x2, y2] in the photo's own pixels; all zero for a hand-added label. */
  readonly box: LabelBox;
  readonly source: 'model' | 'user';
  readonly modelId: string;
  readonly modelVersion: string;
}

/** One line of text read from the photo; box is tl, tr, br, bl in the photo's pixels. */
export interface OcrRecord {
  readonly text: string;
  readonly confidence: number;
  readonly box: readonly [Point, Point, Point, Point];
}

export interface TagResults {
  readonly labels: readonly Omit<LabelRecord, 'source'>[];
  /**
   * "Maybe" labels (issue 16): below the tag bar, never drawn on the photo nor listed as its
   * tags, but searchable with a lower rank. Stored under `candidates`, apart from `labels`, so
   * code that reads tags (readLabels, peers on older versions) never mistakes one for a tag.
   */
  readonly candidates?: readonly Omit<LabelRecord, 'source'>[];
  readonly ocr: readonly OcrRecord[];
  readonly pipelineVersion: string;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPoint = (v: unknown): v is Point => Array.isArray(v) && v.length === 2 && v.every(isNum);

export function isLabelRecord(v: unknown): v is LabelRecord {
  return (
    isObj(v) && typeof v.label === 'string' && v.label.length > 0 && v.label.length <= 100 &&
    isNum(v.score) && Array.isArray(v.box) && v.box.length === 4 && v.box.every(isNum) &&
    (v.source === 'model' || v.source === 'user') && typeof v.modelId === 'string' && typeof v.modelVersion === 'string'
  );
}

export function isOcrRecord(v: unknown): v is OcrRecord {
  return isObj(v) && typeof v.text === 'string' && isNum(v.confidence) && Array.isArray(v.box) && v.box.length === 4 && v.box.every(isPoint);
}

function noteMap(doc: Y.Doc, id: string): Y.Map<unknown> | undefined {
  const note = notesMap(doc).get(id);
  return note instanceof Y.Map ? note : undefined;
}

function array(note: Y.Map<unknown>, field: 'labels' | 'candidates' | 'ocr'): Y.Array<unknown> {
  const existing = note.get(field);
  if (existing instanceof Y.Array) return existing;
  const created = new Y.Array<unknown>();
  note.set(field, created);
  return created;
}

/**
 * Stores what the pipeline found. Model labels and OCR lines are replaced (a re-index
 * supersedes them); labels a person added by hand stay.
 */
export function writeTagResults(doc: Y.Doc, id: string, results: TagResults): void {
  const note = noteMap(doc, id);
  if (!note) return;
  doc.transact(() => {
    const labels = array(note, 'labels');
    const current = labels.toArray();
    for (let i = current.length - 1; i >= 0; i--) {
      if (!isLabelRecord(current[i]) || (current[i] as LabelRecord).source === 'model') labels.delete(i, 1);
    }
    const rejected = new Set(rejectedLabels(note));
    const kept = results.labels.filter((l) => !rejected.has(l.label));
    labels.push(kept.map((l) => ({ ...l, box: [...l.box], source: 'model' })));
    const tagged = new Set(labels.toArray().filter(isLabelRecord).map((l) => l.label));
    const maybe = array(note, 'candidates');
    maybe.delete(0, maybe.length);
    maybe.push((results.candidates ?? []).filter((c) => !rejected.has(c.label) && !tagged.has(c.label)).map((c) => ({ ...c, box: [...c.box], source: 'model' })));
    const ocr = array(note, 'ocr');
    ocr.delete(0, ocr.length);
    ocr.push(results.ocr.map((line) => ({ text: line.text, confidence: line.confidence, box: line.box.map((p) => [...p]) })));
    note.set('pipelineVersion', results.pipelineVersion);
  });
}

export function readLabels(doc: Y.Doc, id: string): LabelRecord[] {
  const labels = noteMap(doc, id)?.get('labels');
  return labels instanceof Y.Array ? labels.toArray().filter(isLabelRecord) : [];
}

/** The note's "maybe" labels: model guesses under the tag bar, none of them a tag's name. */
export function readCandidates(doc: Y.Doc, id: string): LabelRecord[] {
  const candidates = noteMap(doc, id)?.get('candidates');
  if (!(candidates instanceof Y.Array)) return [];
  const tagged = new Set(readLabels(doc, id).map((l) => l.label));
  return candidates.toArray().filter((c): c is LabelRecord => isLabelRecord(c) && c.source === 'model' && !tagged.has(c.label));
}

export function readOcr(doc: Y.Doc, id: string): OcrRecord[] {
  const ocr = noteMap(doc, id)?.get('ocr');
  return ocr instanceof Y.Array ? ocr.toArray().filter(isOcrRecord) : [];
}

export function readPipelineVersion(doc: Y.Doc, id: string): string | undefined {
  const value = noteMap(doc, id)?.get('pipelineVersion');
  return typeof value === 'string' ? value : undefined;
}

/** Adds a hand-made label (score 1, no box) unless the note already has that label. */
export function addUserLabel(doc: Y.Doc, id: string, label: string): boolean {
  const note = noteMap(doc, id);
  const name = label.trim().toLowerCase().slice(0, 100);
  if (!note || !name || readLabels(doc, id).some((l) => l.label === name)) return false;
  const record: LabelRecord = { label: name, score: 1, box: [0, 0, 0, 0], source: 'user', modelId: '', modelVersion: '' };
  doc.transact(() => array(note, 'labels').push([{ ...record, box: [...record.box] }]));
  return true;
}

/**
 * A person says a model label is right: a user entry with that name is added next to the
 * model's (whose box stays drawn), so a re-index that no longer finds it keeps the label.
 */
export function confirmLabel(doc: Y.Doc, id: string, label: string): boolean {
  const note = noteMap(doc, id);
  const labels = readLabels(doc, id);
  if (!note || !labels.some((l) => l.label === label) || labels.some((l) => l.label === label && l.source === 'user')) return false;
  const record: LabelRecord = { label, score: 1, box: [0, 0, 0, 0], source: 'user', modelId: '', modelVersion: '' };
  doc.transact(() => array(note, 'labels').push([{ ...record, box: [...record.box] }]));
  return true;
}

function rejectedLabels(note: Y.Map<unknown>): string[] {
  const rejected = note.get('rejectedLabels');
  return rejected instanceof Y.Array ? rejected.toArray().filter((x): x is string => typeof x === 'string') : [];
}

/**
 * Removes every entry with this label name. A removed model label is remembered, so
 * re-indexing with a newer pipeline does not bring back what the person said is wrong.
 */
export function removeLabel(doc: Y.Doc, id: string, label: string): void {
  const note = noteMap(doc, id);
  const labels = note?.get('labels');
  if (!note || !(labels instanceof Y.Array)) return;
  doc.transact(() => {
    if (!rejectedLabels(note).includes(label)) {
      let rejected = note.get('rejectedLabels');
      if (!(rejected instanceof Y.Array)) note.set('rejectedLabels', (rejected = new Y.Array<unknown>()));
      (rejected as Y.Array<unknown>).push([label]);
    }
    const items = labels.toArray();
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      if (isLabelRecord(item) && item.label === label) labels.delete(i, 1);
    }
    const maybe = note.get('candidates');
    if (maybe instanceof Y.Array) {
      const guesses = maybe.toArray();
      for (let i = guesses.length - 1; i >= 0; i--) if (isLabelRecord(guesses[i]) && (guesses[i] as LabelRecord).label === label) maybe.delete(i, 1);
    }
  });
}
