// Byte and string encodings shared by every format in crypto/. All binary
// integers are big-endian; every variable-length field is length-prefixed with
// a u32 so that no two different field lists encode to the same bytes.
import { fail, ok, type Result } from './result.ts';
import { sodium } from './sodium.ts';

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const encoder = new TextEncoder();
const lenientDecoder = new TextDecoder('utf-8');
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

export function toBase64Url(bytes: Uint8Array): string {
  const s = sodium();
  return s.to_base64(bytes, s.base64_variants.URLSAFE_NO_PADDING);
}

/** Strict: only the canonical unpadded URL-safe form decodes, so one value has one spelling. */
export function fromBase64Url(str: string): Result<Uint8Array> {
  if (typeof str !== 'string' || !BASE64URL.test(str) || str.length % 4 === 1) {
    return fail('E_FORMAT', 'not unpadded base64url');
  }
  const s = sodium();
  let bytes: Uint8Array;
  try {
    bytes = s.from_base64(str, s.base64_variants.URLSAFE_NO_PADDING);
  } catch {
    return fail('E_FORMAT', 'not unpadded base64url');
  }
  if (toBase64Url(bytes) !== str) return fail('E_FORMAT', 'non-canonical base64url');
  return ok(bytes);
}

export function toHex(bytes: Uint8Array): string {
  return sodium().to_hex(bytes);
}

export function fromHex(hex: string): Result<Uint8Array> {
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) return fail('E_FORMAT', 'not lowercase hex');
  return ok(sodium().from_hex(hex));
}

export function utf8(str: string): Uint8Array {
  return encoder.encode(str);
}

/** Replaces invalid sequences with U+FFFD; use fromUtf8Strict for bytes that must be valid. */
export function fromUtf8(bytes: Uint8Array): string {
  return lenientDecoder.decode(bytes);
}

export function fromUtf8Strict(bytes: Uint8Array): Result<string> {
  try {
    return ok(strictDecoder.decode(bytes));
  } catch {
    return fail('E_FORMAT', 'invalid UTF-8');
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function u32be(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`u32 out of range: ${n}`);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, false);
  return out;
}

export function readU32be(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset, false);
}

/** Limited to safe integers: sequence numbers never get near 2^53. */
export function u64be(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`u64 out of range: ${n}`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), false);
  return out;
}

/** Returns null when the value does not fit a safe integer. */
export function readU64be(bytes: Uint8Array, offset: number): number | null {
  const big = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(offset, false);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : null;
}

/** u32 length || bytes. */
export function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  return concatBytes(u32be(bytes.length), bytes);
}

/** Constant-time comparison; false for different lengths. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && sodium().memcmp(a, b);
}
