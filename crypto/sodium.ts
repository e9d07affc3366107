// Note: this is the only file in the repository that imports libsodium (Ente's
// pattern). Everything else in crypto/ calls sodium() after sodiumReady(), so a
// swap of the underlying library touches one file. It is imported dynamically so the
// app's first screen does not wait for ~200 KB (gzip) of libsodium to download.
import type * as SodiumModule from 'libsodium-wrappers-sumo';

/** Same type as `typeof import('libsodium-wrappers-sumo')`. */
export type Sodium = typeof SodiumModule;

let readied: Promise<void> | null = null;
let instance: Sodium | null = null;

/** Resolves once libsodium's wasm is loaded. Safe to call any number of times. */
export async function sodiumReady(): Promise<void> {
  // Note: the ESM build only exposes crypto_* on the default export (the named
  // exports are a subset), so we hand out the default object, typed as the
  // module namespace the package declares.
  readied ??= import('libsodium-wrappers-sumo').then(async ({ default: lib }) => {
    await lib.ready;
    instance = lib as Sodium;
  });
  return readied;
}

/** The loaded library. Throws if sodiumReady() has not resolved yet: that is a bug in the caller. */
export function sodium(): Sodium {
  if (instance === null) {
    throw new Error('crypto: sodium() called before `await sodiumReady()`');
  }
  return instance;
}
