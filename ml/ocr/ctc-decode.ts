/** One recognised character and the output frames it was read from. */
export type CtcChar = {
  char: string;
  /** Class index (1-based into keys; 0 is the CTC blank). */
  index: number;
  /** Highest probability over the character's frames. */
  prob: number;
  firstFrame: number;
  lastFrame: number;
  /**
   * Highest probability the model gave the space class on the frames between
   * the previous character and this one: a weak "there may be a space here"
   * even when blank won the argmax.
   */
  spaceProbBefore: number;
};

/** The model's view of one line: per-frame class probabilities, [frames, classes]. */
export type CtcFrames = { probs: Float32Array; frames: number; classes: number };

/**
 * Greedy CTC decoding: take the best class per frame, merge runs of the same
 * class, drop blanks (class 0). A character repeated in the text ("ll") is
 * only kept twice if a blank frame separates the two runs, which is how CTC
 * was trained. Frame positions are kept because word spacing is recovered
 * from them (insertWordSpaces).
 */
export function ctcGreedyDecode(line: CtcFrames, keys: readonly string[]): CtcChar[] {
  const { probs, frames, classes } = line;
  const out: CtcChar[] = [];
  const space = keys.lastIndexOf(' ') + 1; // 0 (= blank, never a gap signal) if absent
  let prev = 0;
  let spaceProb = 0;
  for (let t = 0; t < frames; t++) {
    let best = 0;
    let bestP = -Infinity;
    const row = t * classes;
    for (let c = 0; c < classes; c++) {
      const p = probs[row + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0) {
      const last = out[out.length - 1];
      if (best === prev && last) {
        last.lastFrame = t;
        if (bestP > last.prob) last.prob = bestP;
      } else {
        const spaceProbBefore = spaceProb;
        out.push({ char: keys[best - 1] ?? '', index: best, prob: bestP, firstFrame: t, lastFrame: t, spaceProbBefore });
      }
      spaceProb = 0;
    } else if (space > 0) {
      spaceProb = Math.max(spaceProb, probs[row + space]!);
    }
    prev = best;
  }
  return out;
}

/** Mean character probability, as PaddleOCR reports line confidence (0 for no text). */
export function ctcConfidence(chars: readonly CtcChar[]): number {
  if (chars.length === 0) return 0;
  return chars.reduce((s, c) => s + c.prob, 0) / chars.length;
}

export function ctcText(chars: readonly CtcChar[]): string {
  return chars.map((c) => c.char).join('');
}
