import type { EvalExpected, ExpectedPhoto } from './eval-expected.ts';

/** What the pipeline gave for one photo: tag names, "maybe" names and the text lines read. */
export interface PhotoOutcome {
  readonly file: string;
  readonly tags: readonly string[];
  readonly candidates: readonly string[];
  readonly text: readonly string[];
}

export interface SetScore {
  readonly photos: number;
  readonly negatives: number;
  /** Required objects found as tags / required objects. */
  readonly recall: number;
  readonly objectsRequired: number;
  /** Distinct wrong tag names per photo without any COCO object. */
  readonly wrongPerNegative: number;
  /** Distinct wrong tag names per photo with objects. */
  readonly wrongPerObjectPhoto: number;
  /** Required objects found as a tag or a candidate. */
  readonly recallWithCandidates: number;
  /** Distinct wrong candidate names per photo (all photos): what "maybe" costs. */
  readonly wrongCandidatesPerPhoto: number;
  /** Legible words read / legible words listed (NaN when none are listed). */
  readonly wordRecall: number;
  readonly wordsListed: number;
}

export interface PhotoReport {
  readonly file: string;
  readonly missed: string[];
  readonly wrong: string[];
  readonly wrongCandidates: string[];
  readonly missedWords: string[];
}

/**
 * Words compare as lower-case letter and digit runs, without accents: "Region-based"
 * is "region" and "based", so a hyphen or a comma OCR drops or adds is no miss.
 */
export function wordTokens(text: string): string[] {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function reportPhoto(expected: ExpectedPhoto, outcome: PhotoOutcome): PhotoReport {
  const tags = new Set(outcome.tags);
  const allowed = new Set([...expected.objects, ...expected.present]);
  const read = new Set(outcome.text.flatMap(wordTokens));
  const wanted = [...new Set(expected.words.flatMap(wordTokens))];
  return {
    file: outcome.file,
    missed: expected.objects.filter((o) => !tags.has(o)),
    wrong: [...tags].filter((t) => !allowed.has(t)),
    wrongCandidates: [...new Set(outcome.candidates)].filter((t) => !allowed.has(t) && !tags.has(t)),
    missedWords: wanted.filter((w) => !read.has(w)),
  };
}

const ratio = (a: number, b: number): number => (b === 0 ? Number.NaN : a / b);

/** Scores the photos of `files` (a subset of the expected set), each of which must have an outcome. */
export function scoreSet(expected: EvalExpected, outcomes: ReadonlyMap<string, PhotoOutcome>, files: readonly string[]): SetScore {
  let required = 0, found = 0, foundAny = 0, wrongNeg = 0, wrongObj = 0, wrongCand = 0, words = 0, wordsRead = 0, negatives = 0;
  for (const file of files) {
    const exp = expected.photos.get(file);
    const out = outcomes.get(file);
    if (!exp || !out) throw new Error(`no expected entry or no outcome for ${file}`);
    const r = reportPhoto(exp, out);
    const any = new Set([...out.tags, ...out.candidates]);
    required += exp.objects.length;
    found += exp.objects.length - r.missed.length;
    foundAny += exp.objects.filter((o) => any.has(o)).length;
    if (expected.negatives.has(file)) {
      negatives++;
      wrongNeg += r.wrong.length;
    } else wrongObj += r.wrong.length;
    wrongCand += r.wrongCandidates.length;
    const listed = new Set(exp.words.flatMap(wordTokens)).size;
    words += listed;
    wordsRead += listed - r.missedWords.length;
  }
  return {
    photos: files.length,
    negatives,
    recall: ratio(found, required),
    objectsRequired: required,
    wrongPerNegative: ratio(wrongNeg, negatives),
    wrongPerObjectPhoto: ratio(wrongObj, files.length - negatives),
    recallWithCandidates: ratio(foundAny, required),
    wrongCandidatesPerPhoto: ratio(wrongCand, files.length),
    wordRecall: ratio(wordsRead, words),
    wordsListed: words,
  };
}
