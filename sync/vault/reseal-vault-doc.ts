import type * as Y from 'yjs';
import type { SigningKeyPair, VaultKey } from '../../crypto/index.ts';
import { sealVaultDoc, type SealedVaultDoc } from './vault-doc-sealing.ts';
import { devicesMap, listedSigningKey } from '../vault-doc/vault-doc.ts';
import type { RotationHost } from './vault-key-rotation.ts';

/** Which approvals a new sealing carries (RotationHost.resealVaultDoc). */
export type ResealApprovals = Parameters<RotationHost['resealVaultDoc']>[1];

export interface ResealVaultDoc {
  readonly vaultId: string;
  readonly deviceId: string;
  readonly plain: Y.Doc;
  readonly box: Y.Doc;
  readonly signer: SigningKeyPair;
  readonly onCompact: () => void;
}

/** Where the new sealing goes: the vault holds it from `adopt` on, and follows its approvals from `follow` on. */
export interface ResealTarget {
  adopt(sealing: SealedVaultDoc): void;
  follow(): void;
}

/**
 * Stops `old` and seals the vault doc under `key` alone from then on: the whole doc as one
 * snapshot under the new key, the approvals carried over without the devices in `without`
 * (or started over). The old envelopes stay (quarantined here, E_KEY_UNKNOWN) until the new
 * header is stored.
 */
export function resealVaultDoc(old: SealedVaultDoc, args: ResealVaultDoc, key: VaultKey, approvals: ResealApprovals, target: ResealTarget): void {
  const records = old.approvals.records();
  // The devices this one takes for the person's now (but the removed one): approved
  // directly under the new key, since a chain through the removed device breaks.
  const keep =
    approvals === 'start-over'
      ? []
      : [...devicesMap(args.plain).keys()]
          .filter((id) => id !== args.deviceId && !approvals.without.has(id) && old.approvals.approved(id))
          .flatMap((id) => listedSigningKey(args.plain, id) ?? []);
  old.destroy();
  const sealing = sealVaultDoc({ vaultId: args.vaultId, plain: args.plain, box: args.box, key, signer: args.signer, onCompact: args.onCompact });
  target.adopt(sealing);
  sealing.sealed.compact();
  target.follow();
  if (approvals === 'start-over') sealing.approvals.startOver();
  else {
    sealing.approvals.carryOver(records, approvals.without);
    for (const signing of [...keep, ...(approvals.approve ? [approvals.approve] : [])]) sealing.approvals.approve(signing);
  }
  sealing.sealed.flush();
}
