import { beforeAll, describe, expect, it } from 'vitest';
import { generateBoxKeyPair, generateSigningKeyPair, sodiumReady, utf8 } from '../../../crypto/index.ts';
import { createNote, readNotes } from '../../../sync/notebook/notes.ts';
import { deviceIdFor } from '../../../sync/sealed/writer.ts';
import type { BoxPersistence } from '../../../sync/storage/box-persistence.ts';
import type { StorageAdapter } from '../../../sync/storage/storage-adapter.ts';
import { registerDevice } from '../../../sync/vault-doc/vault-doc.ts';
import { createVault } from '../../../sync/vault/create-vault.ts';
import { unlockVault } from '../../../sync/vault/unlock-vault.ts';
import type { VaultKeyRotation } from '../../../sync/vault/vault-key-rotation.ts';
import { FaultyDisk } from '../../helpers/faulty-disk.ts';

const FAST = { opslimit: 1, memlimit: 8 * 1024 * 1024 };
const PASS = 'correct horse battery';

beforeAll(sodiumReady);

interface Setup {
  readonly disk: FaultyDisk;
  readonly recoveryKey: string;
  readonly deviceId: string;
}

/**
 * A vault with a notebook this device owns (one note), a second device of the person in
 * the vault doc (what sync would have brought; its keys are real) and a device record;
 * locked, so the disk holds all of it.
 */
async function setup(): Promise<Setup> {
  const disk = new FaultyDisk();
  const { vault, recoveryKey } = await createVault({ storage: disk.storage, boxes: disk.boxes, pwhash: FAST }, PASS);
  const other = generateSigningKeyPair();
  registerDevice(vault.doc, deviceIdFor(other.publicKey), other.publicKey, generateBoxKeyPair().publicKey);
  const id = vault.notebooks.create('Owned');
  const opened = await vault.notebooks.open(id);
  if (!opened.ok) throw new Error(opened.error.message);
  createNote(opened.value.doc, { title: 'kept through every crash' });
  await vault.records.save('settings', utf8('dark mode'));
  await vault.flush();
  const deviceId = vault.deviceId;
  await vault.lock();
  return { disk, recoveryKey, deviceId };
}

/**
 * A fresh process on what the disk holds: one vault opens whole, old or new. Returns which.
 */
async function opensWhole(storage: StorageAdapter, boxes: BoxPersistence, s: Setup, rotated: VaultKeyRotation | undefined): Promise<'old' | 'new'> {
  const unlocked = await unlockVault({ storage, boxes, pwhash: FAST }, { passphrase: PASS });
  if (!unlocked.ok) throw new Error(`${unlocked.error.code}: ${unlocked.error.message}`);
  const vault = unlocked.value;
  try {
    expect(vault.deviceId).toBe(s.deviceId);
    expect(vault.notebooks.list().map((nb) => nb.name)).toEqual(['Owned']);
    expect(vault.quarantined).toBe(0);
    const opened = await vault.notebooks.open(vault.notebooks.list()[0]!.id);
    if (!opened.ok) throw new Error(opened.error.message);
    expect(readNotes(opened.value.doc).map((n) => n.title)).toEqual(['kept through every crash']);
    expect(opened.value.sealed.quarantine.size).toBe(0);
    const record = await vault.records.load('settings');
    expect(record?.ok && new TextDecoder().decode(record.value)).toBe('dark mode');
    // Settled: no journal, no staged records, and exactly one database per box.
    expect(await storage.load(['vault', 'rotation'])).toBeUndefined();
    expect(await storage.loadRange(['vault-next'])).toEqual([]);
  } finally {
    await vault.lock();
  }
  const which = rotated && (await unlockVault({ storage, boxes, pwhash: FAST }, { recoveryKey: rotated.recoveryKey })).ok ? 'new' : 'old';
  const byOldRecovery = await unlockVault({ storage, boxes, pwhash: FAST }, { recoveryKey: s.recoveryKey });
  expect(byOldRecovery.ok, 'the old recovery key opens the vault exactly when it is the old one').toBe(which === 'old');
  for (const r of [byOldRecovery]) if (r.ok) await r.value.lock();
  return which;
}

/** How many writes a whole rotation makes on this setup. */
async function writesOfRotation(): Promise<number> {
  const s = await setup();
  const unlocked = await unlockVault({ storage: s.disk.storage, boxes: s.disk.boxes, pwhash: FAST }, { passphrase: PASS });
  if (!unlocked.ok) throw new Error(unlocked.error.message);
  const before = s.disk.writes;
  const rotated = await unlocked.value.rotation.rotate(PASS);
  expect(rotated.ok).toBe(true);
  const writes = s.disk.writes - before;
  await unlocked.value.lock();
  return writes;
}

describe('vault-key rotation: crash safety (memory adapters, every write)', () => {
  it('a process killed at any write of the rotation leaves one vault that opens whole: the old one before the new header, the new one after', { timeout: 120_000 }, async () => {
    const total = await writesOfRotation();
    expect(total).toBeGreaterThan(10);
    const outcomes: string[] = [];
    for (let k = 1; k <= total + 1; k++) {
      const s = await setup();
      const unlocked = await unlockVault({ storage: s.disk.storage, boxes: s.disk.boxes, pwhash: FAST }, { passphrase: PASS });
      if (!unlocked.ok) throw new Error(unlocked.error.message);
      s.disk.at = s.disk.writes + k;
      const rotated = await unlocked.value.rotation.rotate(PASS);
      await unlocked.value.lock();
      const disk = s.disk.restart();
      const which = await opensWhole(disk.storage, disk.boxes, s, rotated.ok ? rotated.value : undefined);
      outcomes.push(which);
      expect([...disk.boxes.stored.keys()].filter((name) => name.startsWith('obscura-box-')), `one notebook database after a crash at write ${k}`).toHaveLength(1);
    }
    // Old until the header write, new from it on: exactly one switch.
    const firstNew = outcomes.indexOf('new');
    expect(firstNew).toBeGreaterThan(0);
    expect(outcomes.slice(firstNew).every((o) => o === 'new')).toBe(true);
    expect(outcomes.slice(0, firstNew).every((o) => o === 'old')).toBe(true);
    console.log(`[rotation crash] ${total} writes; killed at each: writes 1-${firstNew} leave the old vault, ${firstNew + 1}-${total + 1} the new one`);
  });

  it('E_STORAGE_FULL: a write refused at any step before the new header leaves the old vault whole (locked once the rotation had begun); after it, the rotation holds and the next unlock finishes it', { timeout: 120_000 }, async () => {
    const total = await writesOfRotation();
    const codes = new Set<string>();
    let pending = 0;
    for (let k = 1; k <= total; k++) {
      const s = await setup();
      const unlocked = await unlockVault({ storage: s.disk.storage, boxes: s.disk.boxes, pwhash: FAST }, { passphrase: PASS });
      if (!unlocked.ok) throw new Error(unlocked.error.message);
      s.disk.mode = 'fail';
      s.disk.at = s.disk.writes + k;
      const rotated = await unlocked.value.rotation.rotate(PASS);
      if (!rotated.ok) {
        codes.add(rotated.error.code);
        expect(rotated.error.code).toBe('E_STORAGE_FULL');
        // Refused before anything changed in memory (the journal): still unlocked; else locked. The message says which.
        expect(/was locked/.test(rotated.error.message), `message after a refused write ${k}`).toBe(unlocked.value.locked);
        if (!unlocked.value.locked) expect(unlocked.value.notebooks.list()).toHaveLength(1);
      } else if (rotated.value.cleanupPending) pending++;
      await unlocked.value.lock();
      s.disk.at = Number.POSITIVE_INFINITY;
      const which = await opensWhole(s.disk.storage, s.disk.boxes, s, rotated.ok ? rotated.value : undefined);
      expect(which).toBe(rotated.ok ? 'new' : 'old');
    }
    expect(codes).toEqual(new Set(['E_STORAGE_FULL']));
    // Refusals after the header: the rotation held and left its cleanup to the next unlock.
    expect(pending).toBeGreaterThan(0);
  });

  it('E_ROTATION_FAILED: any other storage error (a database that will not open) is reported as such; nothing changed', async () => {
    const s = await setup();
    const unlocked = await unlockVault({ storage: s.disk.storage, boxes: s.disk.boxes, pwhash: FAST }, { passphrase: PASS });
    if (!unlocked.ok) throw new Error(unlocked.error.message);
    s.disk.mode = 'fail';
    s.disk.error = () => new Error('the database is blocked by another tab');
    // The journal is the first write, the snapshot under the new key the next ones: fail a later one.
    s.disk.at = s.disk.writes + 4;
    const rotated = await unlocked.value.rotation.rotate(PASS);
    expect(rotated.ok ? 'rotated' : rotated.error.code).toBe('E_ROTATION_FAILED');
    expect(rotated.ok ? '' : rotated.error.message).toMatch(/not changed.*locked/);
    expect(unlocked.value.locked).toBe(true);
    s.disk.at = Number.POSITIVE_INFINITY;
    expect(await opensWhole(s.disk.storage, s.disk.boxes, s, undefined)).toBe('old');
  });
});
