// Recovery key: 32 random bytes shown once as Crockford base32, 14 groups of 4:
// 52 data characters (256 bits + 4 zero bits) and a 4-character checksum
// (20 bits of BLAKE2b-256 over the bytes), so a mistyped character is caught
// with probability 1 - 2^-20 before any key derivation is attempted.
import { concatBytes, lengthPrefixed, utf8 } from './encoding.ts';
import { fail, ok, type Result } from './result.ts';
import { sodium } from './sodium.ts';

export const RECOVERY_KEY_BYTES = 32;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DATA_CHARS = 52;
const CHECK_CHARS = 4;
const GROUP = 4;
const CHECKSUM_DOMAIN = lengthPrefixed(utf8('obscura/recovery-key-checksum/v1'));

function encodeBits(bytes: Uint8Array, chars: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  let i = 0;
  while (out.length < chars) {
    if (bits < 5) {
      // Past the end, feed zero bits: the final character is padded with zeros.
      buffer = ((buffer << 8) | (bytes[i++] ?? 0)) & 0xffff;
      bits += 8;
    }
    out += ALPHABET[(buffer >> (bits - 5)) & 31];
    bits -= 5;
  }
  return out;
}

function checksum(bytes: Uint8Array): string {
  const digest = sodium().crypto_generichash(32, concatBytes(CHECKSUM_DOMAIN, bytes), null);
  return encodeBits(digest, CHECK_CHARS);
}

export function formatRecoveryKey(bytes: Uint8Array): string {
  if (bytes.length !== RECOVERY_KEY_BYTES) throw new TypeError(`recovery key must be ${RECOVERY_KEY_BYTES} bytes`);
  const chars = encodeBits(bytes, DATA_CHARS) + checksum(bytes);
  return chars.match(new RegExp(`.{${GROUP}}`, 'g'))?.join('-') ?? '';
}

/** Case-insensitive; ignores spaces and dashes; reads O as 0 and I/L as 1 (Crockford). */
export function parseRecoveryKey(text: string): Result<Uint8Array> {
  if (typeof text !== 'string') return fail('E_RECOVERY_KEY', 'recovery key must be text');
  const chars = text
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (chars.length !== DATA_CHARS + CHECK_CHARS) {
    return fail('E_RECOVERY_KEY', `recovery key has ${chars.length} characters, expected ${DATA_CHARS + CHECK_CHARS}`);
  }
  const out = new Uint8Array(RECOVERY_KEY_BYTES);
  let buffer = 0;
  let bits = 0;
  let n = 0;
  for (const c of chars.slice(0, DATA_CHARS)) {
    const v = ALPHABET.indexOf(c);
    if (v < 0) return fail('E_RECOVERY_KEY', `invalid character ${c} in recovery key`);
    buffer = ((buffer << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      if (n < RECOVERY_KEY_BYTES) out[n++] = (buffer >> bits) & 0xff;
    }
  }
  // 52 chars carry 260 bits; the 4 spare bits must be zero or two spellings would map to one key.
  if ((buffer & ((1 << bits) - 1)) !== 0) return fail('E_RECOVERY_KEY', 'recovery key has non-zero padding');
  if (checksum(out) !== chars.slice(DATA_CHARS)) {
    return fail('E_RECOVERY_KEY', 'recovery key checksum does not match (typo?)');
  }
  return ok(out);
}
