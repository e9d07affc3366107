import * as Y from 'yjs';
import type { BoxKeyPair, SigningKeyPair, VaultKey } from '../../crypto/index.ts';
import type { SealedDoc } from '../sealed/sealed-doc.ts';
import { deviceIdFor } from '../sealed/writer.ts';
import { registerDevice } from '../vault/vault-doc.ts';
import { sealVaultDoc, vaultKeyId } from '../vault/vault-doc-sealing.ts';

export { vaultKeyId };

/**
 * A newly linked device opens the vault doc with the vault key and id from the device
 * link (device-link.ts) and the vault box synced from the relay or a peer; every notebook
 * and its keys then come from that doc. It registers its own device keys there, which is
 * how the person's other devices learn them (and add it to shared notebooks' members).
 *
 * Note: must seal exactly as `Vault.open` does (doc id `vault:<id>`, key id derived from
 * the vault key, vault purposes, revoked devices refused): both go through sealVaultDoc.
 */
export interface LinkedVaultDoc {
  readonly doc: Y.Doc;
  readonly sealed: SealedDoc;
}

export function openLinkedVaultDoc(vaultKey: VaultKey, vaultId: string, box: Y.Doc, device: { signing: SigningKeyPair; box: BoxKeyPair }): LinkedVaultDoc {
  const doc = new Y.Doc();
  const sealed = sealVaultDoc({ vaultId, plain: doc, box, key: vaultKey, signer: device.signing });
  registerDevice(doc, deviceIdFor(device.signing.publicKey), device.signing.publicKey, device.box.publicKey);
  sealed.flush();
  return { doc, sealed };
}
