import type { CtcChar } from './ctc-decode.ts';
import { isCjkChar } from './latin-punctuation.ts';

export type WordSpaceOptions = {
  /**
   * Insert a space where the model gave the space class at least this
   * probability on a blank frame between two characters.
   */
  minSpaceProb?: number;
  /**
   * Also insert one where the run of blank frames is at least this many times
   * the line's median gap between characters (and the space class got at
   * least `gapSpaceProb` there). Infinity disables the geometric test.
   */
  gapFactor?: number;
  gapSpaceProb?: number;
};

/**
 * Measured on 14 rendered English cards (8 fonts) and page.png: at word
 * boundaries the space class got 0.047-0.5 (lowest of 82), inside words at
 * most 0.004 (of 631), so 0.02 sits well inside the gap on both sides.
 * Character error rate over all of them: 13.3% without this step, 5.3% with
 * it (0% on every card; page.png's remainder is a line the detector loses).
 * The gap test alone reached only 11-12% at factors 1.5-2, because letter and
 * word gaps differ by one frame; at 2.5 it only catches very wide gaps.
 */
export const WORD_SPACE_DEFAULTS: Required<WordSpaceOptions> = { minSpaceProb: 0.02, gapFactor: 2.5, gapSpaceProb: 0 };

/**
 * Restore the spaces between words that the PP-OCR recognizer (trained mostly
 * on Chinese, which has none) drops in Latin text: "Receipttotal42.17EUR".
 *
 * Note: two signals, both from the CTC frames (see ctcGreedyDecode).
 * 1. Between words the blank class wins the argmax, but the space class still
 *    gets 0.1-0.5 of the probability; inside a word it gets ~0. Measured on
 *    rendered cards and page.png this alone separates word gaps from letter
 *    gaps far better than geometry.
 * 2. Geometry: a run of blank frames much wider than the line's typical gap.
 *    With 8 input pixels per frame and letters ~2-4 frames apart, a letter gap
 *    and a word gap often differ by a single frame, so by default this only
 *    fires on clearly wide gaps (2.5x the median), e.g. between table columns.
 * Returns the line's text.
 */
export function insertWordSpaces(chars: readonly CtcChar[], options: WordSpaceOptions = {}): string {
  const o = { ...WORD_SPACE_DEFAULTS, ...options };
  const gaps: number[] = [];
  for (let i = 1; i < chars.length; i++) {
    if (chars[i]!.char !== ' ' && chars[i - 1]!.char !== ' ') gaps.push(chars[i]!.firstFrame - chars[i - 1]!.lastFrame);
  }
  const typicalGap = median(gaps);
  let out = '';
  chars.forEach((c, i) => {
    const prev = chars[i - 1];
    if (prev && mayHaveSpaceBetween(prev.char, c.char)) {
      const gap = c.firstFrame - prev.lastFrame;
      const bySpaceProb = c.spaceProbBefore >= o.minSpaceProb;
      const byGap = gaps.length >= 3 && gap >= o.gapFactor * typicalGap && c.spaceProbBefore >= o.gapSpaceProb;
      if (bySpaceProb || byGap) out += ' ';
    }
    out += c.char;
  });
  return out;
}

/**
 * Not next to an existing space, not in CJK text, not before closing
 * punctuation nor after an opening bracket, and not around "_", which joins
 * the words of identifiers and file names ("np.zeros_like").
 */
function mayHaveSpaceBetween(left: string, right: string): boolean {
  if (left === ' ' || right === ' ' || isCjkChar(left) || isCjkChar(right)) return false;
  return !/^[)\]}.,:;!?%_]$/u.test(right) && !/^[([{_]$/u.test(left);
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
