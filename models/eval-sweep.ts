import type { Detection } from '../ml/detect/detection.ts';
import { splitTags, TAG_POLICY, type TagPolicy } from '../ml/detect/tag-policy.ts';
import type { EvalExpected } from './eval-expected.ts';
import { scoreSet, type PhotoOutcome, type SetScore } from './eval-score.ts';

/** What the detector said on one photo, before any policy: every box down to a low floor. */
export interface RawPhoto {
  readonly width: number;
  readonly height: number;
  readonly detections: readonly Detection[];
}

export interface SweepRow {
  readonly tagScore: number;
  readonly minTagArea: number;
  /** The bar of TAG_POLICY's per-class list, or undefined for none. */
  readonly classBar: number | undefined;
  readonly tuned: SetScore;
  readonly heldOut: SetScore;
}

/** The grid `npm run eval -- --sweep` tries: the ways of models/README.md "Evaluation". */
export const SWEEP_GRID = {
  tagScore: [0.15, 0.16, 0.18, 0.2, 0.25, 0.3, 0.35, 0.4],
  minTagArea: [0, 0.01, 0.02, 0.03],
  classBar: [undefined, 0.3, 0.35, 0.4],
} as const;

function policyOf(tagScore: number, minTagArea: number, classBar: number | undefined): TagPolicy {
  const classTagScore = classBar === undefined ? {} : Object.fromEntries(Object.keys(TAG_POLICY.classTagScore).map((c) => [c, classBar]));
  return { ...TAG_POLICY, tagScore, minTagArea, classTagScore, digitsConfirm: [] };
}

/**
 * Scores every policy of the grid on the tuned part and on the held-out part. Rows are
 * ranked by the tuned part alone: those with both wrong-label figures at or under the
 * goal first, then by recall, then by fewer wrong labels, then by the stricter bar (ties
 * on the tuned part go to the policy that trusts the model less).
 */
export function sweepTagPolicies(expected: EvalExpected, raw: ReadonlyMap<string, RawPhoto>, goal = 0.3): SweepRow[] {
  const files = [...expected.photos.keys()];
  const tunedFiles = files.filter((f) => !expected.heldOut.has(f));
  const heldFiles = files.filter((f) => expected.heldOut.has(f));
  const rows: SweepRow[] = [];
  for (const tagScore of SWEEP_GRID.tagScore) {
    for (const minTagArea of SWEEP_GRID.minTagArea) {
      for (const classBar of SWEEP_GRID.classBar) {
        const policy = policyOf(tagScore, minTagArea, classBar);
        const outcomes = new Map<string, PhotoOutcome>();
        for (const file of files) {
          const photo = raw.get(file);
          if (!photo) throw new Error(`no detections for ${file}`);
          const { tags, candidates } = splitTags(photo.detections, photo, policy);
          outcomes.set(file, { file, tags: tags.map((t) => t.label), candidates: candidates.map((c) => c.label), text: [] });
        }
        rows.push({ tagScore, minTagArea, classBar, tuned: scoreSet(expected, outcomes, tunedFiles), heldOut: scoreSet(expected, outcomes, heldFiles) });
      }
    }
  }
  const meets = (s: SetScore) => (s.wrongPerNegative <= goal || Number.isNaN(s.wrongPerNegative)) && (s.wrongPerObjectPhoto <= goal || Number.isNaN(s.wrongPerObjectPhoto));
  const wrong = (s: SetScore) => (s.wrongPerNegative || 0) + (s.wrongPerObjectPhoto || 0);
  return rows.sort(
    (a, b) =>
      Number(meets(b.tuned)) - Number(meets(a.tuned)) ||
      b.tuned.recall - a.tuned.recall ||
      wrong(a.tuned) - wrong(b.tuned) ||
      b.tagScore - a.tagScore ||
      b.minTagArea - a.minTagArea,
  );
}
