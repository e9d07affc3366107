/** The keys a sealed doc may open with; `current` is the one new envelopes are sealed under. */
export interface Keyring {
  current(): { readonly keyId: string; readonly key: Uint8Array };
  get(keyId: string): Uint8Array | undefined;
}

export function createKeyring(keys: ReadonlyMap<string, Uint8Array>, currentKeyId: string): Keyring {
  const current = keys.get(currentKeyId);
  if (!current) throw new Error(`keyring has no key ${currentKeyId}`);
  return {
    current: () => ({ keyId: currentKeyId, key: current }),
    get: (keyId) => keys.get(keyId),
  };
}
