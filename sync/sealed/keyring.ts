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

/** A keyring that learns keys while the doc is open (key rotation, sync/share/rotate-key.ts). */
export interface MutableKeyring extends Keyring {
  /** Adds a key; `makeCurrent` also seals everything from now on under it. */
  add(keyId: string, key: Uint8Array, makeCurrent?: boolean): void;
  has(keyId: string): boolean;
  /** Zeroes every key held; the keyring is unusable afterwards (lock). */
  wipe(): void;
}

export function createMutableKeyring(keys: ReadonlyMap<string, Uint8Array>, currentKeyId: string): MutableKeyring {
  const held = new Map(keys);
  if (!held.has(currentKeyId)) throw new Error(`keyring has no key ${currentKeyId}`);
  let currentId = currentKeyId;
  return {
    current: () => ({ keyId: currentId, key: held.get(currentId) as Uint8Array }),
    get: (keyId) => held.get(keyId),
    has: (keyId) => held.has(keyId),
    add(keyId, key, makeCurrent = false) {
      held.set(keyId, key);
      if (makeCurrent) currentId = keyId;
    },
    wipe() {
      for (const key of held.values()) key.fill(0);
      held.clear();
    },
  };
}
