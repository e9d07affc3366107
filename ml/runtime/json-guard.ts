/**
 * Minimal structural checks for untrusted JSON. Each helper either returns a
 * narrowed value or throws an Error naming the JSON path that was wrong, so a
 * hostile or corrupt model.json fails early with a useful message instead of
 * a TypeError deep inside the converter.
 */
export class ModelJsonError extends Error {
  constructor(path: string, problem: string) {
    super(`model.json ${path}: ${problem}`);
    this.name = 'ModelJsonError';
  }
}

export type JsonObject = { readonly [key: string]: unknown };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function expectObject(v: unknown, path: string): JsonObject {
  if (!isObject(v)) throw new ModelJsonError(path, 'expected an object');
  return v;
}

export function expectArray(v: unknown, path: string, maxLength: number): readonly unknown[] {
  if (!Array.isArray(v)) throw new ModelJsonError(path, 'expected an array');
  if (v.length > maxLength) throw new ModelJsonError(path, `more than ${maxLength} entries`);
  return v;
}

export function expectString(v: unknown, path: string, maxLength = 4096): string {
  if (typeof v !== 'string') throw new ModelJsonError(path, 'expected a string');
  if (v.length > maxLength) throw new ModelJsonError(path, `longer than ${maxLength} characters`);
  return v;
}

export function expectNumber(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ModelJsonError(path, 'expected a finite number');
  return v;
}

/** TF serialises int64 as decimal strings; accept both forms, reject the rest. */
export function expectInteger(v: unknown, path: string): number {
  const n = typeof v === 'string' && /^-?\d{1,19}$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new ModelJsonError(path, 'expected an integer');
  return n;
}

export function optional<T>(v: unknown, parse: (v: unknown) => T): T | undefined {
  return v === undefined || v === null ? undefined : parse(v);
}
