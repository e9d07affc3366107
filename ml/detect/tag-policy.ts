import type { Box, Detection } from './detection.ts';

/**
 * Which detections become tags (shown on the photo, trusted) and which only "maybe"
 * candidates (searchable, ranked lower, never shown as tags). Calibrated with
 * `npm run eval` on tests/fixtures/eval (models/README.md "Evaluation"): CenterNet's scores
 * are uncalibrated, and the wrong labels it gives are mostly tiny boxes (birds that are
 * dots on a roof, "remote" on a hand) or a few classes it reaches for when nothing fits
 * (bird for any small animal, clock for anything round, umbrella, kite).
 */
export interface TagPolicy {
  /** A tag needs at least this score... */
  readonly tagScore: number;
  /** ...or this one for the classes named here (the model's usual wrong guesses). */
  readonly classTagScore: Readonly<Record<string, number>>;
  /** ...and a box of at least this fraction of the photo's area. */
  readonly minTagArea: number;
  /** A candidate needs this score and box fraction; below both it is dropped. */
  readonly candidateScore: number;
  readonly minCandidateArea: number;
  /** Classes whose higher bar is lowered back to tagScore when the photo's text read inside the box has a digit (a clock face, a parking meter's price). */
  readonly digitsConfirm: readonly string[];
}

/**
 * Calibrated on the tuned two thirds of tests/fixtures/eval (models/README.md "Evaluation"
 * has the sweep and the held-out figures). The higher bar is for the classes the model
 * names when nothing fits: the wrong labels issue 16 lists (bird, boat, clock, apple,
 * orange, laptop, parking meter, cow) and those the tuned photos showed (umbrella, dining
 * table, sports ball). A box under 3% of the photo is never a tag: the required objects
 * of the set are all larger, the wrong tags were mostly smaller.
 */
export const TAG_POLICY: TagPolicy = {
  tagScore: 0.18,
  classTagScore: Object.fromEntries(
    ['bird', 'boat', 'clock', 'apple', 'orange', 'laptop', 'parking meter', 'cow', 'umbrella', 'dining table', 'sports ball'].map((c) => [c, 0.3]),
  ),
  minTagArea: 0.03,
  candidateScore: 0.12,
  minCandidateArea: 0.005,
  digitsConfirm: ['clock', 'parking meter'],
};

/** Detections the detector keeps for the split: enough for the candidates under the tags. */
export const DETECT_POOL = 30;

export type TextBox = { readonly text: string; readonly box: readonly (readonly [number, number])[] };

export interface TagSplit {
  /** Every box of a tagged class that passes, best first (they are drawn on the photo). */
  readonly tags: Detection[];
  /** The best box of each class that is not a tag but passes the candidate bar. */
  readonly candidates: Detection[];
}

const areaOf = ([x1, y1, x2, y2]: Box): number => Math.max(0, x2 - x1) * Math.max(0, y2 - y1);

function hasDigitsInside(box: Box, text: readonly TextBox[]): boolean {
  return text.some((line) => {
    if (!/\d/.test(line.text) || line.box.length === 0) return false;
    const cx = line.box.reduce((s, p) => s + p[0], 0) / line.box.length;
    const cy = line.box.reduce((s, p) => s + p[1], 0) / line.box.length;
    return cx >= box[0] && cx <= box[2] && cy >= box[1] && cy <= box[3];
  });
}

/**
 * Splits detections (best first, boxes in the pixels of an image of `size`) into tags and
 * candidates. `text` is what OCR read on the same image, for the digit rule.
 */
export function splitTags(
  detections: readonly Detection[],
  size: { readonly width: number; readonly height: number },
  policy: TagPolicy,
  text: readonly TextBox[] = [],
): TagSplit {
  const imageArea = size.width * size.height;
  const tags: Detection[] = [];
  const best = new Map<string, Detection>();
  for (const d of detections) {
    const area = imageArea > 0 ? areaOf(d.box) / imageArea : 0;
    let bar = policy.classTagScore[d.label] ?? policy.tagScore;
    if (bar > policy.tagScore && policy.digitsConfirm.includes(d.label) && hasDigitsInside(d.box, text)) bar = policy.tagScore;
    if (d.score >= bar && area >= policy.minTagArea) tags.push(d);
    else if (d.score >= policy.candidateScore && area >= policy.minCandidateArea) {
      const seen = best.get(d.label);
      if (!seen || d.score > seen.score) best.set(d.label, d);
    }
  }
  const tagged = new Set(tags.map((t) => t.label));
  const candidates = [...best.values()].filter((c) => !tagged.has(c.label)).sort((a, b) => b.score - a.score);
  return { tags, candidates };
}
