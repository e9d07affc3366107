import type { MlErrorValue } from './ml-error.ts';

/**
 * Hand-written type guards for messages crossing the worker boundary. Small
 * on purpose: each checks exactly what the receiving side relies on.
 */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const isString = (v: unknown): v is string => typeof v === 'string';
export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

export function isArrayOf<T>(v: unknown, item: (x: unknown) => x is T, max = 100_000): v is T[] {
  return Array.isArray(v) && v.length <= max && v.every(item);
}

export function isMlErrorValue(v: unknown): v is MlErrorValue {
  return isRecord(v) && isString(v.code) && v.code.startsWith('E_') && isString(v.message) && optionalOf(v.modelId, isString);
}

/** Optional fields: absent or of the right type. */
export function optionalOf<T>(v: unknown, item: (x: unknown) => x is T): v is T | undefined {
  return v === undefined || item(v);
}

export function isNumberArray(v: unknown, length?: number): v is number[] {
  return isArrayOf(v, isFiniteNumber) && (length === undefined || v.length === length);
}
