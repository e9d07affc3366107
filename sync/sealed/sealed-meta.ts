import { concatBytes, deriveSubkey, lengthPrefixed, openAead, sealAead, utf8 } from '../../crypto/index.ts';
import type { WriterSlot } from './writer.ts';

/**
 * Box maps beside the envelopes that must be readable before any entry is (a notebook's
 * sharing maps, the vault's device approvals) and must not show a relay who is in them:
 * keys name devices only by `slot`, values are sealed under a subkey of a room secret
 * (sync/PROTOCOL.md "Sharing maps: no device in clear").
 */
export interface SealedMeta {
  readonly slot: WriterSlot;
  /** 0x02 ‖ nonce ‖ AEAD(meta key, bytes), bound to the map and the box key it is stored under. */
  seal(map: string, mapKey: string, bytes: Uint8Array): Uint8Array;
  /** The sealed bytes, or undefined when `value` is not a sealed value for this place. */
  open(map: string, mapKey: string, value: unknown): Uint8Array | undefined;
}

export const SEALED_META_VERSION = 0x02;

/** `domain` names the purpose of the subkey of `secret` and is bound into every value. */
export function sealedMeta(secret: Uint8Array, domain: string, slot: WriterSlot): SealedMeta {
  const key = deriveSubkey(secret, domain);
  const ad = (map: string, mapKey: string): Uint8Array => concatBytes(lengthPrefixed(utf8(domain)), lengthPrefixed(utf8(map)), lengthPrefixed(utf8(mapKey)));
  return {
    slot,
    seal: (map, mapKey, bytes) => concatBytes(Uint8Array.of(SEALED_META_VERSION), sealAead(key, bytes, ad(map, mapKey))),
    open(map, mapKey, value) {
      if (!(value instanceof Uint8Array) || value[0] !== SEALED_META_VERSION) return undefined;
      const opened = openAead(key, value.subarray(1), ad(map, mapKey));
      return opened.ok ? opened.value : undefined;
    },
  };
}
