import type * as Y from 'yjs';
import {
  asVaultKey,
  bytesEqual,
  concatBytes,
  lengthPrefixed,
  openSealedBox,
  sealToPublicKey,
  sign,
  utf8,
  verifySignature,
  type BoxKeyPair,
  type SigningKeyPair,
  type VaultKey,
} from '../../crypto/index.ts';
import { guardAppendOnly } from '../sealed/append-only.ts';
import type { SealedMeta } from '../sealed/sealed-meta.ts';
import { deviceIdFor } from '../sealed/writer.ts';

/**
 * A new vault key handed to one of the person's remaining devices when another device is
 * removed (sync/PROTOCOL.md "Removing one device"). The removed device holds the old vault
 * key, so nothing sealed under that key can carry the new one: it goes sealed to each
 * remaining device's box key, signed by the removing device, in the OLD vault room (where
 * the remaining devices still are; they cannot find the new one without the new key).
 *
 * Vault box map `keys` (the notebook boxes' key-envelope map, unused in the vault box until
 * now, so relays that check box maps take it): `<slot(recipient)>/<vaultKeyId(new key)>` ->
 * value sealed under the vault meta key of the OLD vault key (device-approvals.ts
 * vaultMeta), inner = signer pk (32) ‖ recipient signing pk (32) ‖ sealToPublicKey(recipient
 * box pk, new vault key) (80) ‖ Ed25519(signer, lp("obscura/vault-key-handover/v1") ‖
 * lp(vaultId) ‖ every byte before the signature) (64). Append-only.
 *
 * Note: a sealed box is anonymous, and the removed device (it holds the old key, so it can
 * seal values here) could hand the others a key of its own choosing: then everything they
 * wrote next would be readable to it. So the reader takes a handover only when its signer
 * is a device it approves and no counted revocation names (the caller's `trusted`).
 */
const MAP = 'keys';
const DOMAIN = lengthPrefixed(utf8('obscura/vault-key-handover/v1'));
const SEALED = 32 + 48;
const INNER = 32 + 32 + SEALED + 64;

export function vaultKeysMap(box: Y.Doc): Y.Map<Uint8Array> {
  return box.getMap<Uint8Array>(MAP);
}

export interface HandoverPlace {
  readonly box: Y.Doc;
  readonly vaultId: string;
  readonly meta: SealedMeta;
}

export interface Recipient {
  readonly signingPublicKey: Uint8Array;
  readonly boxPublicKey: Uint8Array;
}

function signedBytes(vaultId: string, body: Uint8Array): Uint8Array {
  return concatBytes(DOMAIN, lengthPrefixed(utf8(vaultId)), body);
}

export function writeHandover(place: HandoverPlace, newKeyId: string, newKey: VaultKey, to: Recipient, signer: SigningKeyPair): void {
  const body = concatBytes(signer.publicKey, to.signingPublicKey, sealToPublicKey(to.boxPublicKey, newKey));
  const mapKey = `${place.meta.slot(deviceIdFor(to.signingPublicKey))}/${newKeyId}`;
  vaultKeysMap(place.box).set(mapKey, place.meta.seal(MAP, mapKey, concatBytes(body, sign(signer.secretKey, signedBytes(place.vaultId, body)))));
}

interface Handover {
  readonly signerPublicKey: Uint8Array;
  readonly recipientPublicKey: Uint8Array;
  readonly sealed: Uint8Array;
}

/** The handover under `mapKey` if it is one signed for this vault and this recipient slot; no trust decided. */
function readHandover(place: HandoverPlace, mapKey: string, value: unknown): Handover | undefined {
  const inner = place.meta.open(MAP, mapKey, value);
  if (!inner || inner.length !== INNER) return undefined;
  const signerPublicKey = inner.subarray(0, 32);
  const recipientPublicKey = inner.subarray(32, 64);
  if (!mapKey.startsWith(`${place.meta.slot(deviceIdFor(recipientPublicKey))}/`)) return undefined;
  if (!verifySignature(signerPublicKey, signedBytes(place.vaultId, inner.subarray(0, INNER - 64)), inner.subarray(INNER - 64))) return undefined;
  return { signerPublicKey, recipientPublicKey, sealed: inner.subarray(64, 64 + SEALED) };
}

/**
 * A new vault key handed to this device by a device `trusted` says yes to (its device id),
 * or undefined. Two trusted handovers of different keys (two devices removing each other at
 * once) give none: the person links this device again rather than it picking a side.
 * A handover of `current` (the key this device holds) is no handover: following it would move
 * the vault onto itself and delete what lies under the "old" key, the live data.
 */
export function handedOverKey(
  place: HandoverPlace,
  self: { readonly signing: Uint8Array; readonly box: BoxKeyPair },
  trusted: (signerDeviceId: string) => boolean,
  current: VaultKey,
): { key: VaultKey; signerPublicKey: Uint8Array } | undefined {
  const prefix = `${place.meta.slot(deviceIdFor(self.signing))}/`;
  let found: { key: VaultKey; signerPublicKey: Uint8Array } | undefined;
  let conflict = false;
  vaultKeysMap(place.box).forEach((value, mapKey) => {
    if (!mapKey.startsWith(prefix)) return;
    const handover = readHandover(place, mapKey, value);
    if (!handover || !bytesEqual(handover.recipientPublicKey, self.signing)) return;
    const signerId = deviceIdFor(handover.signerPublicKey);
    if (signerId === deviceIdFor(self.signing) || !trusted(signerId)) return;
    const opened = openSealedBox(self.box, handover.sealed);
    if (!opened.ok || opened.value.length !== 32 || bytesEqual(opened.value, current)) return;
    if (found && !bytesEqual(found.key, opened.value)) conflict = true;
    found ??= { key: asVaultKey(opened.value), signerPublicKey: handover.signerPublicKey.slice() };
  });
  return conflict ? undefined : found;
}

/** Keeps the handovers append-only: a signed one is never taken away by a peer (the removed device among them). */
export function guardHandovers(place: HandoverPlace): () => void {
  const guard = guardAppendOnly(place.box, vaultKeysMap(place.box), {
    authentic: (key, value) => readHandover(place, key, value) !== undefined,
    mayDelete: () => false,
  });
  return () => guard.stop();
}
