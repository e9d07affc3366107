import { beforeAll, describe, expect, it } from 'vitest';
import { formatRecoveryKey, parseRecoveryKey, randomBytes, sodiumReady } from '../../../crypto/index.ts';
import { expectCode, expectOk, seededRandom, testSeed } from './helpers.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

beforeAll(async () => {
  await sodiumReady();
});

describe('recovery key', () => {
  it('formats as 14 groups of 4 Crockford base32 characters and parses back', () => {
    for (let i = 0; i < 50; i++) {
      const bytes = randomBytes(32);
      const text = formatRecoveryKey(bytes);
      expect(text).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){13}$/);
      expect(expectOk(parseRecoveryKey(text))).toEqual(bytes);
    }
    expect(formatRecoveryKey(new Uint8Array(32)).startsWith('0000-'.repeat(13))).toBe(true);
  });

  it('tolerates case, spaces, dashes and O/I/L look-alikes', () => {
    const bytes = randomBytes(32);
    const text = formatRecoveryKey(bytes);
    const sloppy = ` ${text.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l')}  `;
    expect(expectOk(parseRecoveryKey(sloppy))).toEqual(bytes);
    expect(expectOk(parseRecoveryKey(text.replace(/-/g, '').replace(/1/g, 'I')))).toEqual(bytes);
  });

  it('catches every single-character typo (seeded)', () => {
    // A 20-bit checksum misses a given typo with probability 2^-20; with ~280 typos per
    // run a random seed would fail about once in 4,000 runs, so the default seed is pinned.
    const rng = seededRandom(testSeed('recovery key typos', 20261124));
    const text = formatRecoveryKey(rng.bytes(32)).replace(/-/g, '');
    for (let pos = 0; pos < text.length; pos++) {
      for (let k = 0; k < 4; k++) {
        const replacement = ALPHABET[rng.int(ALPHABET.length)] ?? '0';
        if (replacement === text[pos]) continue;
        const typo = text.slice(0, pos) + replacement + text.slice(pos + 1);
        expectCode(parseRecoveryKey(typo), 'E_RECOVERY_KEY');
      }
    }
    // Swapping two neighbouring characters is the other common slip.
    for (let pos = 0; pos + 1 < text.length; pos++) {
      if (text[pos] === text[pos + 1]) continue;
      const swapped = text.slice(0, pos) + text[pos + 1] + text[pos] + text.slice(pos + 2);
      expectCode(parseRecoveryKey(swapped), 'E_RECOVERY_KEY');
    }
  });

  it('rejects wrong length, foreign characters and non-zero padding', () => {
    const text = formatRecoveryKey(randomBytes(32)).replace(/-/g, '');
    expectCode(parseRecoveryKey(text.slice(1)), 'E_RECOVERY_KEY');
    expectCode(parseRecoveryKey(`${text}0`), 'E_RECOVERY_KEY');
    expectCode(parseRecoveryKey(`U${text.slice(1)}`), 'E_RECOVERY_KEY');
    expectCode(parseRecoveryKey(''), 'E_RECOVERY_KEY');
    // Character 52 carries 1 data bit and 4 padding bits; setting a padding bit must not alias.
    const last = ALPHABET.indexOf(text[51] ?? '0');
    const aliased = text.slice(0, 51) + (ALPHABET[last ^ 1] ?? '0') + text.slice(52);
    expectCode(parseRecoveryKey(aliased), 'E_RECOVERY_KEY');
    expect(() => formatRecoveryKey(new Uint8Array(31))).toThrow(TypeError);
  });
});
