// Passphrase -> key-encryption key with Argon2id (crypto_pwhash ALG_ARGON2ID13).
// The parameters actually used are stored beside the wrapped key, so they can be
// raised later and a vault made on a small device still opens on a big one.
import { fail, ok, type Result } from './result.ts';
import { sodium } from './sodium.ts';

export interface PwhashParams {
  opslimit: number;
  memlimit: number;
}

export const PWHASH_SALT_BYTES = 16;
const MIB = 1024 * 1024;
/** crypto_pwhash_MEMLIMIT_INTERACTIVE (64 MiB) with opslimit 3: ~105-160 ms here. */
export const DEFAULT_PWHASH_PARAMS: PwhashParams = { opslimit: 3, memlimit: 64 * MIB };
/** Below this we would rather fail than store a weak wrapping. */
export const PWHASH_MIN_FALLBACK_MEMLIMIT = 16 * MIB;

/**
 * Parameters to try in order: start, then half the memory and double the passes
 * while memory stays >= 16 MiB (64/3 -> 32/6 -> 16/12), keeping the cost roughly flat.
 */
export function pwhashFallbackLadder(start: PwhashParams): PwhashParams[] {
  const ladder = [start];
  let { opslimit, memlimit } = start;
  while (memlimit / 2 >= PWHASH_MIN_FALLBACK_MEMLIMIT) {
    memlimit /= 2;
    opslimit *= 2;
    ladder.push({ opslimit, memlimit });
  }
  return ladder;
}

// Note: NFKC so the same passphrase typed on macOS (often NFD) and elsewhere derives the same key.
function passphraseBytes(passphrase: string): Uint8Array {
  return new TextEncoder().encode(passphrase.normalize('NFKC'));
}

export type PassphraseKdf = (passphrase: string, salt: Uint8Array, params: PwhashParams) => Result<Uint8Array>;

/** 32-byte KEK. E_OUT_OF_MEMORY when libsodium cannot run with these parameters (wasm allocation fails). */
export const derivePassphraseKey: PassphraseKdf = (passphrase, salt, params) => {
  const s = sodium();
  try {
    return ok(
      s.crypto_pwhash(32, passphraseBytes(passphrase), salt, params.opslimit, params.memlimit, s.crypto_pwhash_ALG_ARGON2ID13),
    );
  } catch (e) {
    return fail('E_OUT_OF_MEMORY', `Argon2id failed with memlimit ${params.memlimit}: ${String(e)}`);
  }
};

/** Walks the fallback ladder; `kdf` is injectable so tests can simulate a device that runs out of memory. */
export function derivePassphraseKeyWithFallback(
  passphrase: string,
  salt: Uint8Array,
  start: PwhashParams = DEFAULT_PWHASH_PARAMS,
  kdf: PassphraseKdf = derivePassphraseKey,
): Result<{ key: Uint8Array; params: PwhashParams }> {
  let last: Result<Uint8Array> = fail('E_OUT_OF_MEMORY', 'no parameters tried');
  for (const params of pwhashFallbackLadder(start)) {
    last = kdf(passphrase, salt, params);
    if (last.ok) return ok({ key: last.value, params });
  }
  return fail('E_OUT_OF_MEMORY', last.ok ? 'unreachable' : last.error.message);
}
