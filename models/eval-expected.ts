import { isArrayOf, isRecord, isString } from '../ml/runtime/guards.ts';

/** What one labelled photo should give (models/README.md "Evaluation"). */
export interface ExpectedPhoto {
  /** COCO-80 names clearly visible: each must come back as a tag. */
  readonly objects: readonly string[];
  /** Also in the photo but small, partial or doubtful: neither required nor wrong. */
  readonly present: readonly string[];
  /** Clearly legible words the text reader must find. */
  readonly words: readonly string[];
}

export interface EvalExpected {
  readonly photos: ReadonlyMap<string, ExpectedPhoto>;
  /** Photos with no COCO object at all: every label on them is wrong. */
  readonly negatives: ReadonlySet<string>;
  /** Photos nobody tuned on, reported apart so a tuned figure is not mistaken for a fair one. */
  readonly heldOut: ReadonlySet<string>;
}

export type ParseResult = { ok: true; value: EvalExpected } | { ok: false; message: string };

const isNames = (v: unknown): v is string[] => isArrayOf(v, isString, 1000);
const MAX_FILES = 100_000;

/**
 * Checks expected.json, which anyone may write for their own photos, and says
 * exactly which entry is wrong: an eval that silently skipped a photo would
 * print figures for a set nobody asked about.
 */
export function parseEvalExpected(json: unknown, labels: readonly string[]): ParseResult {
  if (!isRecord(json) || !isRecord(json.photos)) return { ok: false, message: 'expected.json needs a "photos" object' };
  const known = new Set(labels);
  const photos = new Map<string, ExpectedPhoto>();
  for (const [file, entry] of Object.entries(json.photos)) {
    if (photos.size >= MAX_FILES) return { ok: false, message: `more than ${MAX_FILES} photos` };
    if (!isRecord(entry)) return { ok: false, message: `photos["${file}"] is not an object` };
    const { objects = [], present = [], words = [] } = entry;
    if (!isNames(objects) || !isNames(present) || !isNames(words)) {
      return { ok: false, message: `photos["${file}"]: objects, present and words are lists of strings` };
    }
    const unknown = [...objects, ...present].find((l) => !known.has(l));
    if (unknown !== undefined) return { ok: false, message: `photos["${file}"]: "${unknown}" is not a detector label` };
    photos.set(file, { objects: [...new Set(objects)], present: [...new Set(present)], words });
  }
  const lists: Record<'negatives' | 'heldOut', Set<string>> = { negatives: new Set(), heldOut: new Set() };
  for (const key of ['negatives', 'heldOut'] as const) {
    const list = json[key] ?? [];
    if (!isNames(list)) return { ok: false, message: `"${key}" is a list of file names` };
    for (const file of list) {
      if (!photos.has(file)) return { ok: false, message: `"${key}" names ${file}, which has no entry in "photos"` };
      lists[key].add(file);
    }
  }
  for (const file of lists.negatives) {
    const p = photos.get(file)!;
    if (p.objects.length + p.present.length > 0) return { ok: false, message: `${file} is a negative but lists objects` };
  }
  for (const [file, p] of photos) {
    if (!lists.negatives.has(file) && p.objects.length + p.present.length === 0) {
      return { ok: false, message: `${file} lists no object: name it in "negatives" if it has none` };
    }
  }
  return { ok: true, value: { photos, negatives: lists.negatives, heldOut: lists.heldOut } };
}
