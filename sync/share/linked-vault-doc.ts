import * as Y from 'yjs';
import { deriveId, fromBase64Url, toBase64Url, type BoxKeyPair, type SigningKeyPair, type VaultKey } from '../../crypto/index.ts';
import { createKeyring } from '../sealed/keyring.ts';
import { SealedDoc } from '../sealed/sealed-doc.ts';
import { newWriter } from '../sealed/writer.ts';
import { registerDevice } from '../vault/vault-doc.ts';

/**
 * A newly linked device opens the vault doc with the vault key and id from the device
 * link (device-link.ts) and the vault box synced from the relay or a peer; every notebook
 * and its keys then come from that doc. It registers its own device keys there, which is
 * how the person's other devices learn them (and add it to shared notebooks' members).
 *
 * Note: must seal exactly as `Vault.open` does (doc id `vault:<id>`, key id derived from
 * the vault key, vault purposes), or the two devices could not read each other.
 */
export interface LinkedVaultDoc {
  readonly doc: Y.Doc;
  readonly sealed: SealedDoc;
}

export function vaultKeyId(vaultKey: VaultKey, vaultId: string): string {
  const bytes = fromBase64Url(deriveId(vaultKey, 'vault-key-id', vaultId));
  if (!bytes.ok) throw new Error('deriveId returned invalid base64url');
  return toBase64Url(bytes.value.subarray(0, 16));
}

export function openLinkedVaultDoc(vaultKey: VaultKey, vaultId: string, box: Y.Doc, device: { signing: SigningKeyPair; box: BoxKeyPair }): LinkedVaultDoc {
  const doc = new Y.Doc();
  const keyId = vaultKeyId(vaultKey, vaultId);
  const writer = newWriter(device.signing);
  const sealed = new SealedDoc({
    docId: `vault:${vaultId}`,
    plain: doc,
    box,
    keyring: createKeyring(new Map([[keyId, vaultKey]]), keyId),
    writer,
    purposes: { update: 'vault-update', snapshot: 'vault-snapshot' },
  });
  registerDevice(doc, writer.deviceId, device.signing.publicKey, device.box.publicKey);
  sealed.flush();
  return { doc, sealed };
}
