// Where Argon2id runs. Node and tests call it in-thread; the browser app moves it to a
// Web Worker (pwhash-worker-start.ts) so ~150 ms at 64 MiB never freezes the page.
// Note: a page-wide setting rather than a parameter, because only the page decides
// whether it has a worker; vault-header.ts asks here and its callers need not know.
import { derivePassphraseKey, pwhashFallbackLadder, type PwhashParams } from './pwhash.ts';
import { fail, ok, type Result } from './result.ts';

export type AsyncPassphraseKdf = (passphrase: string, salt: Uint8Array, params: PwhashParams) => Promise<Result<Uint8Array>>;

const inThread: AsyncPassphraseKdf = async (passphrase, salt, params) => derivePassphraseKey(passphrase, salt, params);

let current: AsyncPassphraseKdf = inThread;

/** Route every later Argon2id call through `kdf` (the app's worker); undefined goes back to in-thread. */
export function usePassphraseKdf(kdf: AsyncPassphraseKdf | undefined): void {
  current = kdf ?? inThread;
}

/** 32-byte KEK from wherever Argon2id runs on this page. */
export function runPassphraseKdf(passphrase: string, salt: Uint8Array, params: PwhashParams): Promise<Result<Uint8Array>> {
  return current(passphrase, salt, params);
}

/** derivePassphraseKeyWithFallback for a KDF that answers asynchronously. */
export async function runPassphraseKdfWithFallback(
  passphrase: string,
  salt: Uint8Array,
  start: PwhashParams,
): Promise<Result<{ key: Uint8Array; params: PwhashParams }>> {
  let last: Result<Uint8Array> = fail('E_OUT_OF_MEMORY', 'no parameters tried');
  for (const params of pwhashFallbackLadder(start)) {
    last = await current(passphrase, salt, params);
    if (last.ok) return ok({ key: last.value, params });
  }
  return fail('E_OUT_OF_MEMORY', last.ok ? 'unreachable' : last.error.message);
}
