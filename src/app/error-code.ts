import { CRYPTO_ERROR_CODES } from '../../crypto/index.ts';
import { ML_ERROR_CODES } from '../../ml/runtime/ml-error.ts';
import { SYNC_ERROR_CODES } from '../../sync/error-codes.ts';

/** The app's own codes: what it says about a thrown thing no layer coded (src/app/ERRORS.md). */
export const APP_ERROR_CODES = ['E_UNEXPECTED'] as const;

/**
 * Every code the app can show, joined here because only src/ sees every layer: crypto/ knows
 * its own codes, sync/ its own (crypto's pass through it), ml/ its own. The messages for them
 * are in messages.ts, one per code.
 */
export const ERROR_CODES = [...CRYPTO_ERROR_CODES, ...SYNC_ERROR_CODES, ...ML_ERROR_CODES, ...APP_ERROR_CODES] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES);

/** For codes that arrive as data (a thrown thing, a stored status): only ours pass. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && KNOWN.has(code);
}
