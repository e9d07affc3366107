import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fromBase64Url, sodiumReady } from '../../../crypto/index.ts';
import { readNotes } from '../../../sync/notebook/notes.ts';
import { countedEpochs } from '../../../sync/share/key-epochs.ts';
import { isCurrentOwner } from '../../../sync/share/members.ts';
import { MemoryBoxPersistence } from '../../../sync/storage/memory-box-persistence.ts';
import { MemoryStorageAdapter } from '../../../sync/storage/memory-storage-adapter.ts';
import { unlockVault } from '../../../sync/vault/unlock-vault.ts';
import type { VaultServices } from '../../../sync/vault/vault-services.ts';

/**
 * Stores written by format-v1 code (tests/fixtures/legacy/generate-v1.ts, never regenerated)
 * open with today's code: every note, nothing set aside; and the first owner device that
 * opens a notebook gives it its key epochs, which the other member then follows.
 */
interface Stored {
  readonly deviceId: string;
  readonly storage: [string[], string][];
  readonly boxes: [string, string][];
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/legacy/v1-vaults.json', import.meta.url), 'utf8')) as {
  passphrase: string;
  notebookId: string;
  titles: string[];
  alice: Stored;
  bob: Stored;
};

beforeAll(sodiumReady);

const bytes = (b64: string): Uint8Array => {
  const decoded = fromBase64Url(b64);
  if (!decoded.ok) throw new Error('fixture is not base64url');
  return decoded.value;
};

async function restore(stored: Stored): Promise<VaultServices & { boxes: MemoryBoxPersistence }> {
  const storage = new MemoryStorageAdapter();
  for (const [key, data] of stored.storage) await storage.save(key, bytes(data));
  const boxes = new MemoryBoxPersistence();
  for (const [name, update] of stored.boxes) boxes.stored.set(name, bytes(update));
  return { storage, boxes, pwhash: { opslimit: 1, memlimit: 8 * 1024 * 1024 } };
}

async function unlock(stored: Stored) {
  const services = await restore(stored);
  const vault = await unlockVault(services, { passphrase: fixture.passphrase });
  if (!vault.ok) throw new Error(vault.error.message);
  const nb = await vault.value.notebooks.open(fixture.notebookId);
  if (!nb.ok) throw new Error(nb.error.message);
  return { vault: vault.value, nb: nb.value };
}

const DEVICE_ID = /[0-9a-f]{32}/;
/** Keys of a box that carry a device id as written by v1 code (writer ids, map keys). */
function clearDeviceIds(box: Y.Doc): string[] {
  return ['entries', 'snapshots', 'keys', 'revocations', 'epochs'].flatMap((name) => [...box.getMap(name).keys()].filter((key) => DEVICE_ID.test(key)).map((key) => `${name}:${key}`));
}

describe('stores written by format-v1 code', () => {
  it('open on the owner and on the member with every note and nothing set aside; the owner numbers the key epochs, the member follows', async () => {
    const alice = await unlock(fixture.alice);
    const bob = await unlock(fixture.bob);
    try {
      for (const device of [alice, bob]) {
        expect(readNotes(device.nb.doc).map((n) => n.title).sort()).toEqual(fixture.titles);
        expect(device.nb.sealed.quarantine.size).toBe(0);
        expect(device.vault.deviceId).toBe(device === alice ? fixture.alice.deviceId : fixture.bob.deviceId);
      }
      expect(isCurrentOwner(alice.nb.doc, alice.vault.deviceId)).toBe(true);
      const epochs = countedEpochs(alice.nb.box, fixture.notebookId, alice.nb.shared.meta, (id) => isCurrentOwner(alice.nb.doc, id));
      expect(epochs.map((e) => e.cause)).toEqual(['upgrade']);
      expect(epochs[0]?.keyId).toBe(alice.nb.shared.keyring.current().keyId);

      // Opening upgraded the rooms: no entry, snapshot or sharing map names a device in clear.
      for (const box of [alice.nb.box, alice.vault.replicas.vault().box]) expect(clearDeviceIds(box)).toEqual([]);
      expect(clearDeviceIds(bob.vault.replicas.vault().box)).toEqual([]);

      Y.applyUpdate(bob.nb.box, Y.encodeStateAsUpdate(alice.nb.box, Y.encodeStateVector(bob.nb.box)), 'peer');
      expect(bob.nb.shared.keyring.current().keyId).toBe(epochs[0]?.keyId);
      expect(bob.nb.sealed.quarantine.size).toBe(0);
      // Bob's replica accepts the upgrade's deletes rather than restoring the clear entries.
      expect(clearDeviceIds(bob.nb.box)).toEqual([]);
      expect(readNotes(bob.nb.doc).map((n) => n.title).sort()).toEqual(fixture.titles);
      Y.applyUpdate(alice.nb.box, Y.encodeStateAsUpdate(bob.nb.box, Y.encodeStateVector(alice.nb.box)), 'peer');
      expect(clearDeviceIds(alice.nb.box)).toEqual([]);
    } finally {
      await alice.vault.lock();
      await bob.vault.lock();
    }
  });
});
