import type * as Y from 'yjs';
import { deriveId, fromBase64Url, toBase64Url, type SigningKeyPair, type VaultKey } from '../../crypto/index.ts';
import { createKeyring } from '../sealed/keyring.ts';
import { SealedDoc } from '../sealed/sealed-doc.ts';
import { deviceIdFor, newWriter, type WriterSlot } from '../sealed/writer.ts';
import { sealedMeta, type SealedMeta } from '../sealed/sealed-meta.ts';
import { deviceApprovals, VAULT_META_DOMAIN, type DeviceApprovals } from './device-approvals.ts';
import { guardHandovers } from './vault-key-handover.ts';
import { vaultDocTrust } from '../vault-doc/device-revocations.ts';

/**
 * How every device seals the vault doc: doc id `vault:<vaultId>`, the vault purposes, the
 * key id and the writer slots derived from the vault key, and a trustSigner that takes only
 * devices this one approves (device-approvals.ts) and none a vault-key rotation signed out
 * (device-revocations.ts). `Vault.open` and the rotation (vault-key-rotation.ts) both seal
 * through here, so they can read each other by construction.
 */
export function vaultKeyId(vaultKey: VaultKey, vaultId: string): string {
  const bytes = fromBase64Url(deriveId(vaultKey, 'vault-key-id', vaultId));
  if (!bytes.ok) throw new Error('deriveId returned invalid base64url');
  return toBase64Url(bytes.value.subarray(0, 16));
}

/**
 * The vault room's writer slots: a keyed hash of the device id, so the relay cannot match a
 * device's entries in the vault room with its entries in its notebooks' rooms.
 */
export function vaultWriterSlot(vaultKey: VaultKey, vaultId: string): WriterSlot {
  return (deviceId) => deriveId(vaultKey, `vault-writer-slot:${vaultId}`, deviceId).slice(0, 32);
}

/** The vault box's sealed maps (approvals, handovers) under this vault key (device-approvals.ts vaultMeta). */
export function vaultSealedMeta(vaultKey: VaultKey, vaultId: string): SealedMeta {
  return sealedMeta(vaultKey, VAULT_META_DOMAIN, vaultWriterSlot(vaultKey, vaultId));
}

export interface VaultDocSealing {
  readonly vaultId: string;
  readonly plain: Y.Doc;
  readonly box: Y.Doc;
  readonly key: VaultKey;
  readonly signer: SigningKeyPair;
  readonly onCompact?: () => void;
  /** Signers of handovers the person refused here: not the person's devices (DeviceApprovals.refuse). */
  readonly refused?: ReadonlySet<string>;
}

export interface SealedVaultDoc {
  readonly sealed: SealedDoc;
  readonly approvals: DeviceApprovals;
  /** Stops sealing and watching approvals. */
  destroy(): void;
}

export function sealVaultDoc(args: VaultDocSealing): SealedVaultDoc {
  const keyId = vaultKeyId(args.key, args.vaultId);
  const slot = vaultWriterSlot(args.key, args.vaultId);
  const approvals = deviceApprovals({ box: args.box, doc: args.plain, vaultId: args.vaultId, key: args.key, slot }, args.signer, args.refused);
  const notRevoked = vaultDocTrust(args.plain, args.vaultId);
  const sealed = new SealedDoc({
    docId: `vault:${args.vaultId}`,
    plain: args.plain,
    box: args.box,
    keyring: createKeyring(new Map([[keyId, args.key]]), keyId),
    writer: newWriter(args.signer, slot),
    writerSlot: slot,
    purposes: { update: 'vault-update', snapshot: 'vault-snapshot' },
    trustSigner: (writerId, signerPublicKey) => notRevoked(writerId, signerPublicKey) && approvals.approved(deviceIdFor(signerPublicKey)),
    ...(args.onCompact ? { onCompact: args.onCompact } : {}),
  });
  // Approvals arrive in any order with the entries they vouch for.
  const stopRetry = approvals.onChange(() => sealed.retryQuarantined(['E_SIGNER']));
  const stopHandovers = guardHandovers({ box: args.box, vaultId: args.vaultId, meta: vaultSealedMeta(args.key, args.vaultId) });
  return {
    sealed,
    approvals,
    destroy() {
      stopRetry();
      stopHandovers();
      approvals.stop();
      sealed.destroy();
    },
  };
}
