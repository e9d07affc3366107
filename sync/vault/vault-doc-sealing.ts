import type * as Y from 'yjs';
import { deriveId, fromBase64Url, toBase64Url, type VaultKey } from '../../crypto/index.ts';
import type { Keyring } from '../sealed/keyring.ts';
import { SealedDoc } from '../sealed/sealed-doc.ts';
import type { Writer } from '../sealed/writer.ts';
import { vaultDocTrust } from './device-revocations.ts';

/**
 * How every device seals the vault doc: doc id `vault:<vaultId>`, the vault purposes, the
 * key id derived from the vault key, and a trustSigner that refuses devices a vault-key
 * rotation signed out (device-revocations.ts). `Vault.open`, a linked device's first open
 * (linked-vault-doc.ts) and the rotation (vault-key-rotation.ts) all seal through here, so
 * they can read each other by construction.
 */
export function vaultKeyId(vaultKey: VaultKey, vaultId: string): string {
  const bytes = fromBase64Url(deriveId(vaultKey, 'vault-key-id', vaultId));
  if (!bytes.ok) throw new Error('deriveId returned invalid base64url');
  return toBase64Url(bytes.value.subarray(0, 16));
}

export interface VaultDocSealing {
  readonly vaultId: string;
  readonly plain: Y.Doc;
  readonly box: Y.Doc;
  readonly keyring: Keyring;
  readonly writer: Writer;
  readonly onCompact?: () => void;
}

export function sealVaultDoc(args: VaultDocSealing): SealedDoc {
  return new SealedDoc({
    docId: `vault:${args.vaultId}`,
    plain: args.plain,
    box: args.box,
    keyring: args.keyring,
    writer: args.writer,
    purposes: { update: 'vault-update', snapshot: 'vault-snapshot' },
    trustSigner: vaultDocTrust(args.plain, args.vaultId),
    ...(args.onCompact ? { onCompact: args.onCompact } : {}),
  });
}
