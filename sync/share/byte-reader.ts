import { concatBytes, fromUtf8Strict, lengthPrefixed, readU32be, utf8 } from '../../crypto/index.ts';

/**
 * Reads the binary link payloads (invites, device links) after their signature or seal
 * has been checked. Every read is bounded; a read past the end throws a FormatError,
 * which the parser turns into its own E_*_FORMAT code (parsers never throw to callers).
 */
export class FormatError extends Error {}

const MAX_STRINGS = 8;

export class ByteReader {
  #offset: number;
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array, offset = 0) {
    this.#bytes = bytes;
    this.#offset = offset;
  }

  take(n: number): Uint8Array {
    if (n < 0 || this.#offset + n > this.#bytes.length) throw new FormatError('payload ends early');
    const out = this.#bytes.subarray(this.#offset, this.#offset + n);
    this.#offset += n;
    return out;
  }

  /** u32 length ‖ UTF-8, at most `maxBytes`. */
  string(maxBytes: number): string {
    const length = readU32be(this.take(4), 0);
    if (length > maxBytes) throw new FormatError('string too long');
    const text = fromUtf8Strict(this.take(length));
    if (!text.ok) throw new FormatError('string is not UTF-8');
    return text.value;
  }

  /** u8 count ‖ count × string. */
  strings(): string[] {
    const count = this.take(1)[0] as number;
    if (count > MAX_STRINGS) throw new FormatError('too many strings');
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(this.string(2048));
    return out;
  }

  done(): boolean {
    return this.#offset === this.#bytes.length;
  }
}

export function encodeStrings(values: readonly string[]): Uint8Array {
  if (values.length > MAX_STRINGS) throw new RangeError(`at most ${MAX_STRINGS} URLs`);
  return concatBytes(new Uint8Array([values.length]), ...values.map((value) => lengthPrefixed(utf8(value))));
}
