import type * as Y from 'yjs';
import { fromBase64Url, toBase64Url } from '../../crypto/index.ts';

/**
 * The vault's one recovery key, as every device of the person stores it: the vault key
 * wrapped under the recovery key (the header's recovery slot, crypto/vault-header.ts), in the
 * vault doc, so it is sealed under the vault key and signed by an approved device like every
 * vault doc entry. Each device's header adopts the newest (Vault follows the doc), so the key
 * saved once opens every device, and a new one made anywhere replaces it everywhere.
 *
 * Note: versions, not Y.Map's last writer, decide which is newest. A device that was offline
 * while a new key was made holds an older version in its header and must adopt the newer one
 * when it syncs, never write its own back; only making a key (a new vault, "new recovery key",
 * a vault-key rotation) writes, always at one above the highest version seen. Two devices
 * making one at the same instant write the same version: Y.Map keeps one for every device.
 * `keyId` names the vault key the wrap opens (vaultKeyId): after a vault-key rotation a device
 * never adopts a wrap of the old key.
 */
export interface RecoveryRecord {
  readonly version: number;
  readonly wrapped: Uint8Array;
  readonly keyId: string;
  readonly madeAt: number;
  /** Device id of the device that made it. */
  readonly madeBy: string;
}

const MAX_WRAPPED_BYTES = 256;

function recoveryMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>('recoveryKeys');
}

function readRecord(version: string, value: unknown): RecoveryRecord | undefined {
  const n = Number(version);
  if (!/^[1-9][0-9]{0,14}$/.test(version) || !Number.isSafeInteger(n)) return undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  const { wrapped, keyId, madeAt, madeBy } = value as Record<string, unknown>;
  if (typeof wrapped !== 'string' || typeof keyId !== 'string' || typeof madeBy !== 'string' || typeof madeAt !== 'number' || !Number.isFinite(madeAt)) return undefined;
  const bytes = fromBase64Url(wrapped);
  if (!bytes.ok || bytes.value.length === 0 || bytes.value.length > MAX_WRAPPED_BYTES) return undefined;
  return { version: n, wrapped: bytes.value, keyId, madeAt, madeBy };
}

/** The newest well-formed record, if the vault has one (vaults from before this hold none). */
export function currentRecoveryRecord(doc: Y.Doc): RecoveryRecord | undefined {
  let best: RecoveryRecord | undefined;
  recoveryMap(doc).forEach((value, version) => {
    const record = readRecord(version, value);
    if (record && (!best || record.version > best.version)) best = record;
  });
  return best;
}

/** Makes `wrapped` the vault's recovery wrap, one version above any seen; older ones are dropped. */
export function publishRecoveryRecord(doc: Y.Doc, record: Omit<RecoveryRecord, 'version'>): RecoveryRecord {
  const map = recoveryMap(doc);
  let highest = 0;
  map.forEach((_value, version) => {
    const n = Number(version);
    if (Number.isSafeInteger(n) && n > highest) highest = n;
  });
  const version = highest + 1;
  doc.transact(() => {
    // An old wrap with the old recovery key still opens the vault key it wraps: keep none.
    for (const old of [...map.keys()]) map.delete(old);
    map.set(String(version), { wrapped: toBase64Url(record.wrapped), keyId: record.keyId, madeAt: record.madeAt, madeBy: record.madeBy });
  });
  return { ...record, version };
}
