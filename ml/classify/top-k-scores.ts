export type ClassScore = { readonly label: string; readonly index: number; readonly score: number };

/**
 * True when the vector already is a probability distribution (the model ends
 * in Softmax): every value in [0, 1] and the sum within 1e-3 of 1. A second
 * softmax over probabilities would flatten them towards uniform.
 */
export function looksLikeProbabilities(values: Float32Array): boolean {
  let sum = 0;
  for (const v of values) {
    if (!(v >= 0 && v <= 1)) return false;
    sum += v;
  }
  return Math.abs(sum - 1) < 1e-3;
}

/** Numerically stable softmax (subtract the max before exp). */
export function softmax(values: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of values) max = Math.max(max, v);
  const out = new Float32Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += out[i] = Math.exp(values[i]! - max);
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

/** The k best classes, best first; ties keep the lower index first. */
export function topKScores(
  raw: Float32Array,
  labels: readonly string[],
  k: number,
  output: 'auto' | 'logits' | 'probabilities',
): ClassScore[] {
  const probs = output === 'probabilities' || (output === 'auto' && looksLikeProbabilities(raw)) ? raw : softmax(raw);
  const order = Array.from(probs.keys()).sort((a, b) => probs[b]! - probs[a]! || a - b);
  return order.slice(0, k).map((index) => ({ label: labels[index]!, index, score: probs[index]! }));
}
