import * as Y from 'yjs';
import { fromUtf8Strict, readEnvelopeHeader, utf8 } from '../../crypto/index.ts';
import { boxMaps } from '../sealed/box-layout.ts';
import type { BoxHandle, BoxPersistence } from '../storage/box-persistence.ts';
import type { StorageAdapter, StorageKey } from '../storage/storage-adapter.ts';

/**
 * What a vault-key rotation writes before anything new, so that a crash at any point leaves
 * one whole vault: the old one until the new header is stored, the new one after
 * (sync/PROTOCOL.md "Rotating the vault key"). It names, in the clear, only what the device
 * shows anyway: the vault id, the two vault key ids (as in every vault doc envelope header)
 * and box database names (keyed hashes IndexedDB lists).
 *
 * While it exists: the vault box holds envelopes under both keys, the notebook boxes exist
 * under both names, and the device seeds and records re-sealed under the new key wait under
 * `vault-next` (STAGED). Whichever key unlocks decides (settleRotation): the new one finishes
 * the move (old envelopes and databases go, staged records replace the old ones), the old one
 * undoes it. Either way the journal is removed last, so an interrupted settle runs again.
 */
export interface RotationJournal {
  readonly version: 1;
  readonly vaultId: string;
  /** Vault key ids (vaultKeyId) before and after. */
  readonly from: string;
  readonly to: string;
  /** Every notebook box database: [name under the old key, name under the new key]. */
  readonly boxes: readonly (readonly [string, string])[];
}

const JOURNAL_KEY: StorageKey = ['vault', 'rotation'];
const STAGED = 'vault-next';
const KEY_ID = /^[A-Za-z0-9_-]{22}$/;
const BOX_NAME = /^obscura-box-[A-Za-z0-9_-]{32}$/;

export function vaultBoxName(vaultId: string): string {
  return `obscura-vault-${vaultId}`;
}

/** Where a record re-sealed under the new key waits until the rotation is settled. */
export function stagedKey(key: StorageKey): StorageKey {
  return [STAGED, ...key];
}

export async function writeRotationJournal(storage: StorageAdapter, journal: RotationJournal): Promise<void> {
  await storage.save(JOURNAL_KEY, utf8(JSON.stringify(journal)));
}

/** The journal of an unsettled rotation; undefined when there is none or it is not one of ours. */
export async function loadRotationJournal(storage: StorageAdapter): Promise<RotationJournal | undefined> {
  const bytes = await storage.load(JOURNAL_KEY);
  const text = bytes ? fromUtf8Strict(bytes) : undefined;
  if (!text?.ok) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text.value);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { version, vaultId, from, to, boxes } = value as Record<string, unknown>;
  if (version !== 1 || typeof vaultId !== 'string' || !KEY_ID.test(vaultId) || typeof from !== 'string' || !KEY_ID.test(from)) return undefined;
  if (typeof to !== 'string' || !KEY_ID.test(to) || !Array.isArray(boxes)) return undefined;
  const pairs: (readonly [string, string])[] = [];
  for (const pair of boxes as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((name) => typeof name === 'string' && BOX_NAME.test(name))) return undefined;
    pairs.push([pair[0] as string, pair[1] as string]);
  }
  return { version, vaultId, from, to, boxes: pairs };
}

/** Deletes every vault doc envelope sealed under `keyId` (local: the append-only guards let it be). */
export function dropEnvelopesUnder(box: Y.Doc, keyId: string): number {
  const { entries, snapshots } = boxMaps(box);
  let dropped = 0;
  box.transact(() => {
    for (const map of [entries, snapshots]) {
      for (const [key, value] of [...map.entries()]) {
        const header = value instanceof Uint8Array ? readEnvelopeHeader(value) : undefined;
        if (header?.ok && header.value.keyId === keyId) {
          map.delete(key);
          dropped++;
        }
      }
    }
  });
  return dropped;
}

export type SettleOutcome = 'none' | 'committed' | 'rolled-back' | 'unknown';

/**
 * Finishes or undoes an interrupted rotation, decided by the key that opened the header now
 * stored (`keyId`). Pass the vault box when it is open (the rotation itself); otherwise it is
 * opened here. Needs no key: envelope headers name their key id in the clear.
 */
export async function settleRotation(
  storage: StorageAdapter,
  boxes: BoxPersistence,
  keyId: string,
  open?: { box: Y.Doc; handle: BoxHandle },
): Promise<SettleOutcome> {
  const journal = await loadRotationJournal(storage);
  if (!journal) return 'none';
  const committed = keyId === journal.to;
  if (!committed && keyId !== journal.from) return 'unknown';
  const vault = open ?? (await openBox(boxes, vaultBoxName(journal.vaultId)));
  try {
    dropEnvelopesUnder(vault.box, committed ? journal.from : journal.to);
    await vault.handle.flushed();
    // The stored update log would otherwise keep the dropped ciphertext until the next compaction.
    await vault.handle.compact();
  } finally {
    if (!open) {
      await vault.handle.close();
      vault.box.destroy();
    }
  }
  for (const [oldName, newName] of journal.boxes) await boxes.remove(committed ? oldName : newName);
  for (const { key, data } of await storage.loadRange([STAGED])) {
    if (committed) await storage.save(key.slice(1), data);
    await storage.remove(key);
  }
  await storage.remove(JOURNAL_KEY);
  return committed ? 'committed' : 'rolled-back';
}

async function openBox(boxes: BoxPersistence, name: string): Promise<{ box: Y.Doc; handle: BoxHandle }> {
  const box = new Y.Doc();
  return { box, handle: await boxes.open(name, box) };
}
