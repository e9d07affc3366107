// Note: errors are values with stable codes (secsync's pattern). Every code is
// listed with its meaning, raiser and test in crypto/ERRORS.md; callers branch
// on `code`, never on `message`, which is for logs and humans only.

/**
 * crypto/'s codes. Each layer owns its codes the same way (a list and its type):
 * sync/error-codes.ts, ml/runtime/ml-error.ts; src/app/error-code.ts joins them.
 */
export const CRYPTO_ERROR_CODES = [
  'E_DECRYPT',
  'E_SIGNATURE',
  'E_PASSPHRASE',
  'E_TRUNCATED',
  'E_FORMAT',
  'E_VERSION',
  'E_CONTEXT',
  'E_KEY_UNKNOWN',
  'E_RECOVERY_KEY',
  'E_HASH_MISMATCH',
  'E_PADDING',
  'E_OUT_OF_MEMORY',
] as const;

export type CryptoErrorCode = (typeof CRYPTO_ERROR_CODES)[number];

/** A failure as a value: `code` for callers to branch on, `message` for logs and humans. */
export interface CodedError<C extends string> {
  readonly code: C;
  readonly message: string;
}

export type CryptoError = CodedError<CryptoErrorCode>;

/**
 * The one result type of every layer: crypto/ uses its own codes (the default), the layers
 * above pass their code union, so crypto never names a code it does not raise.
 */
export type Result<T, C extends string = CryptoErrorCode> = { ok: true; value: T } | { ok: false; error: CodedError<C> };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail<T = never, C extends string = CryptoErrorCode>(code: C, message: string): Result<T, C> {
  return { ok: false, error: { code, message } };
}

/** Re-types a failure so it can be returned from a function with a different success type. */
export function forward<T, C extends string = CryptoErrorCode>(failed: { ok: false; error: CodedError<C> }): Result<T, C> {
  return failed;
}

/**
 * Thrown only by operations on trusted input that cannot go on (e.g. no Argon2id
 * parameters fit this device when creating a vault); carries a code so the UI
 * can still say what happened.
 */
export class CryptoFailure extends Error {
  readonly code: CryptoErrorCode;
  constructor(code: CryptoErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'CryptoFailure';
    this.code = code;
  }
}
