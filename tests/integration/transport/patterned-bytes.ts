/**
 * Test payloads that Node and the browser page build alike: deterministic bytes that
 * differ per seed and position, so a lost, repeated or misplaced chunk shows, at memory
 * speed (a 20 MiB message takes a few milliseconds).
 */
export function patterned(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  const words = new Uint32Array(bytes.buffer, 0, length >>> 2);
  let x = (seed * 0x9e3779b1) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    // xorshift32
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  for (let i = words.length * 4; i < length; i++) bytes[i] = (seed + i) & 0xff;
  return bytes;
}

/** True when `bytes` is exactly patterned(bytes.length, seed). */
export function isPatterned(bytes: Uint8Array, seed: number): boolean {
  const expected = patterned(bytes.length, seed);
  if (expected.length !== bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== expected[i]) return false;
  return true;
}
