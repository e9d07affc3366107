/**
 * Mutations of a byte string for the tamper suites (tests/integration/hardening), and a
 * tally that counts what happened to them. A case is "rejected" when the reader refused
 * it with a code; anything it accepted is "accepted wrongly" unless the case expects it.
 */
export interface ByteCase {
  readonly name: string;
  /** Offset of the changed byte, for flips. */
  readonly at?: number;
  readonly bytes: Uint8Array;
}

/** Every single-byte flip (xor with a non-zero mask from `random`, so each bit gets hit over runs). */
export function* everyFlip(bytes: Uint8Array, random: () => number): Generator<ByteCase> {
  for (let at = 0; at < bytes.length; at++) {
    const out = bytes.slice();
    out[at] = (out[at] as number) ^ (1 + Math.floor(random() * 255));
    yield { name: `flip@${at}`, at, bytes: out };
  }
}

/** Every truncation to 0 … length−1 bytes. */
export function* everyTruncation(bytes: Uint8Array): Generator<ByteCase> {
  for (let length = 0; length < bytes.length; length++) yield { name: `truncate@${length}`, bytes: bytes.slice(0, length) };
}

/** Appended bytes: one zero, one random, a block, and the whole thing twice. */
export function* extensions(bytes: Uint8Array, random: () => number): Generator<ByteCase> {
  const append = (extra: Uint8Array, name: string): ByteCase => {
    const out = new Uint8Array(bytes.length + extra.length);
    out.set(bytes);
    out.set(extra, bytes.length);
    return { name, bytes: out };
  };
  yield append(new Uint8Array(1), 'extend+0x00');
  yield append(new Uint8Array([Math.floor(random() * 256)]), 'extend+1');
  yield append(Uint8Array.from({ length: 64 }, () => Math.floor(random() * 256)), 'extend+64');
  yield append(bytes, 'extend+itself');
}

export class TamperTally {
  tried = 0;
  rejected = 0;
  acceptedWrongly = 0;
  readonly codes = new Map<string, number>();
  readonly wrong: string[] = [];
  readonly mismatched: string[] = [];

  constructor(readonly suite: string) {}

  /**
   * Records one case. `actual` is 'ok' or the code it was refused with; `expected` is the
   * code it must be refused with (or a test of the code when several are right).
   */
  record(name: string, actual: string, expected: string | ((code: string) => boolean)): void {
    this.tried++;
    if (actual === 'ok') {
      this.acceptedWrongly++;
      this.wrong.push(name);
      return;
    }
    this.rejected++;
    this.codes.set(actual, (this.codes.get(actual) ?? 0) + 1);
    const fits = typeof expected === 'string' ? actual === expected : expected(actual);
    if (!fits) this.mismatched.push(`${name}: ${actual}${typeof expected === 'string' ? ` (expected ${expected})` : ''}`);
  }

  summary(): string {
    const codes = [...this.codes].sort().map(([code, n]) => `${code}=${n}`).join(' ');
    return `${this.suite}: tried ${this.tried}, rejected ${this.rejected}, accepted wrongly ${this.acceptedWrongly} [${codes}]`;
  }
}
