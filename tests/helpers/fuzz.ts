/**
 * Seeded input generators and a runner for the fuzz suites (tests/integration/hardening).
 * A parser of untrusted input may answer 'ok', a stable error code (E_…), or 'refused'
 * (validators that return undefined/false by contract). A throw is a crash; a case that
 * takes longer than `hangMs` is a hang. Both are collected, never thrown mid-run, so one
 * run reports every failure with the seed that replays it.
 */
export type Random = () => number;

export const int = (random: Random, below: number): number => Math.floor(random() * below);
export const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, items.length)] as T;

const INTERESTING_BYTES = [0x00, 0x01, 0x02, 0x03, 0x04, 0x7f, 0x80, 0xf0, 0xf1, 0xf2, 0xfe, 0xff];

export function randomBytes(random: Random, maxLength: number): Uint8Array {
  return Uint8Array.from({ length: int(random, maxLength + 1) }, () => int(random, 256));
}

/** One to four edits: bit flips, interesting bytes, inserts, deletes, duplicated runs, a cut, a splice. */
export function mutateBytes(input: Uint8Array, random: Random, donors: readonly Uint8Array[] = []): Uint8Array {
  let out: Uint8Array = input.slice();
  for (let edits = 1 + int(random, 4); edits > 0; edits--) {
    const at = int(random, out.length + 1);
    switch (int(random, 8)) {
      case 0:
        if (out.length > 0) out[at % out.length] = (out[at % out.length] as number) ^ (1 << int(random, 8));
        break;
      case 1:
        if (out.length > 0) out[at % out.length] = pick(random, INTERESTING_BYTES);
        break;
      case 2:
        out = concat(out.subarray(0, at), randomBytes(random, 16), out.subarray(at));
        break;
      case 3:
        out = concat(out.subarray(0, at), out.subarray(Math.min(out.length, at + 1 + int(random, 32))));
        break;
      case 4: {
        const end = Math.min(out.length, at + 1 + int(random, 64));
        out = concat(out.subarray(0, end), out.subarray(at, end), out.subarray(end));
        break;
      }
      case 5:
        out = out.slice(0, at);
        break;
      case 6: {
        const donor = donors.length > 0 ? pick(random, donors) : randomBytes(random, 64);
        const from = int(random, donor.length + 1);
        out = concat(out.subarray(0, at), donor.subarray(from, from + 1 + int(random, 64)), out.subarray(at));
        break;
      }
      default:
        // Big-endian length fields are a favourite: write a u32 somewhere.
        if (out.length >= 4) new DataView(out.buffer, out.byteOffset).setUint32(at % (out.length - 3), pick(random, [0, 1, 0x7fffffff, 0xffffffff, int(random, 2 ** 32)]));
    }
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const WEIRD_STRINGS = ['', ' ', '__proto__', 'constructor', 'toString', '\u0000', '\ud800', '💥', 'a'.repeat(5000), '../..', 'E_FAKE', '%s%n', '{}', 'null'];
const WEIRD_NUMBERS = [0, -0, -1, 1, 0.5, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 53), 1e308, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

/** Any JSON-ish value (plus NaN/Infinity/undefined/bytes, which structured clone and Yjs can carry). */
export function randomValue(random: Random, depth = 3): unknown {
  switch (int(random, depth > 0 ? 9 : 6)) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return random() < 0.5 ? pick(random, WEIRD_NUMBERS) : Math.floor((random() - 0.5) * 2 ** int(random, 40));
    case 3:
      return random() < 0.5 ? pick(random, WEIRD_STRINGS) : String.fromCharCode(...Array.from({ length: int(random, 20) }, () => int(random, 0x3000)));
    case 4:
      return random() < 0.2 ? undefined : randomBytes(random, 32);
    case 5:
      return pick(random, WEIRD_STRINGS);
    case 6:
    case 7: {
      const out: Record<string, unknown> = {};
      for (let i = int(random, 5); i > 0; i--) setOwn(out, pick(random, [...WEIRD_STRINGS.slice(0, 5), 'type', 'code', 'id', 'p', 'data', 'topics', 'box', 'label']), randomValue(random, depth - 1));
      return out;
    }
    default:
      return Array.from({ length: int(random, 6) }, () => randomValue(random, depth - 1));
  }
}

/** An own property even for "__proto__", as JSON.parse and structured clone make it. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A copy of `value` with one subtree replaced, deleted or retyped. */
export function mutateValue(value: unknown, random: Random): unknown {
  if (random() < 0.15) return randomValue(random);
  if (Array.isArray(value)) {
    const out = [...value] as unknown[];
    if (out.length === 0 || random() < 0.2) out.push(randomValue(random, 2));
    else if (random() < 0.2) out.splice(int(random, out.length), 1);
    else {
      const i = int(random, out.length);
      out[i] = mutateValue(out[i], random);
    }
    return out;
  }
  if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(out);
    if (keys.length === 0 || random() < 0.15) setOwn(out, pick(random, WEIRD_STRINGS.slice(0, 5)), randomValue(random, 2));
    else if (random() < 0.2) delete out[pick(random, keys)];
    else {
      const key = pick(random, keys);
      setOwn(out, key, mutateValue(out[key], random));
    }
    return out;
  }
  if (typeof value === 'string') return random() < 0.5 ? mutateString(value, random) : randomValue(random, 0);
  if (value instanceof Uint8Array) return mutateBytes(value, random);
  return randomValue(random, 1);
}

export function mutateString(text: string, random: Random): string {
  const bytes = new TextEncoder().encode(text);
  return new TextDecoder().decode(mutateBytes(bytes, random));
}

export type Outcome = 'ok' | 'refused' | string;

export class FuzzTally {
  tried = 0;
  readonly outcomes = new Map<string, number>();
  readonly crashes: string[] = [];
  readonly hangs: string[] = [];
  readonly uncoded: string[] = [];
  slowestMs = 0;

  constructor(readonly name: string) {}

  summary(): string {
    const outcomes = [...this.outcomes].sort((a, b) => b[1] - a[1]).map(([o, n]) => `${o}=${n}`).join(' ');
    return `${this.name}: tried ${this.tried}, crashes ${this.crashes.length}, hangs ${this.hangs.length}, uncoded ${this.uncoded.length}, slowest ${this.slowestMs.toFixed(1)} ms [${outcomes}]`;
  }
}

export interface FuzzBudget {
  /** Stop after this many cases… */
  readonly cases: number;
  /** …or this much time, whichever comes first (keeps the suite bounded on a slow machine). */
  readonly ms: number;
  /** A single case slower than this is reported as a hang. */
  readonly hangMs?: number;
}

const CODE = /^E_[A-Z0-9_]+$/;

/** Runs `run` on inputs from `next` within the budget; never throws. */
export function fuzz<T>(name: string, budget: FuzzBudget, next: (i: number) => T, run: (input: T) => Outcome): FuzzTally {
  const tally = new FuzzTally(name);
  const started = performance.now();
  for (let i = 0; i < budget.cases && performance.now() - started < budget.ms; i++) {
    const input = next(i);
    const t0 = performance.now();
    let outcome: Outcome;
    try {
      outcome = run(input);
    } catch (error) {
      outcome = 'crash';
      tally.crashes.push(`case ${i}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`.slice(0, 300));
    }
    const ms = performance.now() - t0;
    tally.slowestMs = Math.max(tally.slowestMs, ms);
    if (ms > (budget.hangMs ?? 2000)) tally.hangs.push(`case ${i}: ${ms.toFixed(0)} ms`);
    if (outcome !== 'ok' && outcome !== 'refused' && outcome !== 'crash' && !CODE.test(outcome)) tally.uncoded.push(`case ${i}: ${outcome}`.slice(0, 200));
    tally.tried++;
    tally.outcomes.set(outcome, (tally.outcomes.get(outcome) ?? 0) + 1);
  }
  return tally;
}
