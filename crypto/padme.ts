// Padmé (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication
// with PURBs", PETS 2019): round a length up so that it keeps only ⌊log2 ⌊log2 L⌋⌋ + 1
// significant bits. Lengths of the same magnitude share few buckets (O(log log L) bits
// leak instead of O(log L)), and the cost stays small: at most 11.7% for any length, under
// 6.3% from 256 bytes, under 3.2% from 64 KiB.

/** The number of bits in `n` (n ≥ 1); exact for every safe integer, unlike Math.log2. */
function bitLength(n: number): number {
  return n.toString(2).length;
}

/** The Padmé bucket of `length`: the smallest bucket ≥ length. 0 and 1 are their own buckets. */
export function padme(length: number): number {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`padme: bad length ${length}`);
  if (length < 2) return length;
  const e = bitLength(length) - 1;
  const kept = bitLength(e);
  const step = 2 ** (e - kept);
  return Math.ceil(length / step) * step;
}

/** Whether `length` is a bucket (what a padded size at the relay always is). */
export function isPadmeBucket(length: number): boolean {
  return Number.isSafeInteger(length) && length >= 0 && padme(length) === length;
}
