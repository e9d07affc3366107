// Note: errors are values with stable codes (secsync's pattern). Every code is
// listed with its meaning, raiser and test in crypto/ERRORS.md; callers branch
// on `code`, never on `message`, which is for logs and humans only.

export type CryptoErrorCode =
  | 'E_DECRYPT'
  | 'E_SIGNATURE'
  | 'E_PASSPHRASE'
  | 'E_TRUNCATED'
  | 'E_FORMAT'
  | 'E_VERSION'
  | 'E_CONTEXT'
  | 'E_KEY_UNKNOWN'
  | 'E_RECOVERY_KEY'
  | 'E_HASH_MISMATCH'
  | 'E_PADDING'
  | 'E_OUT_OF_MEMORY';

export interface CryptoError {
  readonly code: CryptoErrorCode;
  readonly message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: CryptoError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: CryptoErrorCode, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

/** Re-types a failure so it can be returned from a function with a different success type. */
export function forward<T>(failed: { ok: false; error: CryptoError }): Result<T> {
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
