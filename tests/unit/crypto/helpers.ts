// Shared test helpers: seeded randomness (the seed is printed so a failing run
// can be replayed with CRYPTO_TEST_SEED=<seed>) and result assertions.
import { expect } from 'vitest';
import type { CryptoErrorCode, Result } from '../../../crypto/index.ts';

/** `fixed` pins the default seed for tests whose property only holds with high probability. */
export function testSeed(label: string, fixed?: number): number {
  const fromEnv = process.env['CRYPTO_TEST_SEED'];
  const fresh = fixed ?? (Date.now() ^ (Math.random() * 2 ** 32)) >>> 0;
  const seed = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) >>> 0 : fresh;
  console.log(`[crypto tests] ${label}: seed ${seed} (replay with CRYPTO_TEST_SEED=${seed})`);
  return seed;
}

/** mulberry32: tiny, fast, good enough to pick fuzz positions reproducibly. */
export function seededRandom(seed: number): { next(): number; int(maxExclusive: number): number; bytes(n: number): Uint8Array } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (maxExclusive) => Math.floor(next() * maxExclusive),
    bytes: (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
  };
}

export function expectOk<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

export function expectCode<T>(result: Result<T>, code: CryptoErrorCode): void {
  expect(result.ok ? 'ok' : result.error.code).toBe(code);
}

export function flipped(bytes: Uint8Array, index: number, mask: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] = (copy[index] ?? 0) ^ mask;
  return copy;
}

export const FLIP_MASKS = [0x01, 0xff] as const;

/** Cheap Argon2id parameters so vault tests run in milliseconds; one test uses the real defaults. */
export const FAST_PWHASH = { opslimit: 1, memlimit: 1024 * 1024 } as const;

/** toEqual walks typed arrays element by element (seconds for 150 KB); this is memcmp. */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  const same = actual.length === expected.length && Buffer.from(actual).equals(Buffer.from(expected));
  expect(same, `bytes differ (lengths ${actual.length} / ${expected.length})`).toBe(true);
}
