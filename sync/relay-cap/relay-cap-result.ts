import type { Result } from '../../crypto/index.ts';

/** Why a relay cap statement or write token was refused (sync/ERRORS.md "Relay write capability"). */
export type RelayCapErrorCode = 'E_RELAY_CAP_FORMAT' | 'E_RELAY_CAP_VERSION' | 'E_RELAY_CAP_SIGNATURE' | 'E_RELAY_CAP_CLOCK';

export type RelayCapResult<T> = Result<T, RelayCapErrorCode>;

export const capFail = <T>(code: RelayCapErrorCode, message: string): RelayCapResult<T> => ({ ok: false, error: { code, message } });

/** The version byte both formats start with. */
export const RELAY_CAP_VERSION = 0x01;
