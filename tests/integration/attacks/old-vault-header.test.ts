import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeVaultHeader, deriveId, generateSigningKeyPair, unlockWithPassphrase, utf8, type VaultKey } from '../../../crypto/index.ts';
import { createNote, readNotes } from '../../../sync/notebook/notes.ts';
import { createMutableKeyring } from '../../../sync/sealed/keyring.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter, type WriterSlot } from '../../../sync/sealed/writer.ts';
import { vaultKeyId, vaultWriterSlot } from '../../../sync/vault/vault-doc-sealing.ts';
import { loadDeviceRecord } from '../../../sync/vault/device-record.ts';
import { listNotebooks, notebookKeys, notebookRoom } from '../../../sync/vault-doc/vault-doc.ts';
import { loadDeviceKeys } from '../../../sync/vault/vault-records.ts';
import { startVaultSync } from '../../../sync/vault/vault-sync.ts';
import { createVault } from '../../../sync/vault/create-vault.ts';
import type { OpenNotebook } from '../../../sync/vault/notebook-registry.ts';
import { unlockVault } from '../../../sync/vault/unlock-vault.ts';
import type { Vault } from '../../../sync/vault/vault.ts';
import type { MemoryBoxPersistence } from '../../../sync/storage/memory-box-persistence.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { keylessRoomClient } from '../relay/keyless-room-client.ts';
import { memoryServices, must, PASS, relayHolds, relayOnly, titles, until, Ws } from '../vault-sync/vault-sync-harness.ts';
import { roomMeta } from '../../../sync/share/room-meta.ts';

const relay = relayForSuite();

const openIn = async (vault: Vault, id: string): Promise<OpenNotebook> => must(await vault.notebooks.open(id));

/** What the relay hands anyone who names the room: its whole box, no key needed. */
async function roomCopy(roomId: string): Promise<Y.Doc> {
  const mirror = new Y.Doc();
  const connection = keylessRoomClient(relay.relayUrl, roomId, mirror);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no sync from the relay for ${roomId}`)), 20_000);
      void connection.whenSynced().then(() => (clearTimeout(timer), resolve()));
    });
  } finally {
    connection.destroy();
  }
  return mirror;
}

/** The attacker's reading: every envelope opened with whatever keys it holds, no signer checks. */
/** What the attacker reads with `keys`, trusting every signer, in the writer slots it can compute (`slot`). */
function readWith(docId: string, keys: ReadonlyMap<string, Uint8Array>, box: Y.Doc, vault: boolean, slot?: WriterSlot): Y.Doc {
  const plain = new Y.Doc();
  const first = [...keys.keys()][0];
  if (first === undefined) return plain;
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(box));
  new SealedDoc({
    docId,
    plain,
    box: copy,
    keyring: createMutableKeyring(keys, first),
    writer: newWriter(generateSigningKeyPair()),
    trustSigner: () => true,
    ...(slot ? { writerSlot: slot } : {}),
    ...(vault ? { purposes: { update: 'vault-update', snapshot: 'vault-snapshot' } as const } : {}),
  });
  return plain;
}

function readVaultDoc(key: VaultKey, vaultId: string, box: Y.Doc): Y.Doc {
  return readWith(`vault:${vaultId}`, new Map([[vaultKeyId(key, vaultId), key]]), box, true, vaultWriterSlot(key, vaultId));
}

describe('attack: an old vault header and the old passphrase (issue 12 §6)', () => {
  it('after a passphrase change and a vault-key rotation, they open nothing written afterwards: vault doc, device seeds and records, notebook content', async () => {
    const services = memoryServices();
    const created = await createVault(services, PASS);
    const vault = created.vault;
    let sync = startVaultSync(vault, { settings: relayOnly(relay.relayUrl), deviceName: 'alice', WebSocketPolyfill: Ws });
    try {
      const vaultId = vault.vaultId;
      const diary = vault.notebooks.create('Diary');
      const nDiary = await openIn(vault, diary);
      createNote(nDiary.doc, { title: 'before-rotation' });
      await vault.records.save('settings', utf8('settings-before'));
      await vault.flush();
      const oldVaultRoom = vault.replicas.vault().roomId;
      await relayHolds(relay.relayUrl, oldVaultRoom, vault.replicas.vault().box);
      await relayHolds(relay.relayUrl, nDiary.roomId, nDiary.box);

      // What someone keeps from before: the stored header (every backup file holds one too),
      // the vault box as the relay and a backup hold it, and the recovery key of that time.
      const oldHeaderBytes = (await services.storage.load(['vault', 'header'])) as Uint8Array;
      const oldVaultBoxes = [Y.encodeStateAsUpdate(vault.replicas.vault().box), Y.encodeStateAsUpdate(await roomCopy(oldVaultRoom))];
      const oldRecoveryKey = created.recoveryKey;

      // The person fears the old passphrase leaked: changes it, then rotates the vault key.
      await vault.secrets.changePassphrase('a brand new passphrase');
      const rotated = must(await vault.rotation.rotate('a brand new passphrase'));
      expect(rotated.recoveryKey).not.toBe(oldRecoveryKey);
      sync.stop();
      sync = startVaultSync(vault, { settings: relayOnly(relay.relayUrl), deviceName: 'alice', WebSocketPolyfill: Ws });

      // Written after the rotation.
      const diaryAfter = await openIn(vault, diary);
      createNote(diaryAfter.doc, { title: 'after-rotation' });
      const later = vault.notebooks.create('Written later');
      const nLater = await openIn(vault, later);
      createNote(nLater.doc, { title: 'later-secret' });
      await vault.records.save('settings', utf8('settings-after'));
      await vault.flush();
      const newVaultRoom = vault.replicas.vault().roomId;
      expect(newVaultRoom).not.toBe(oldVaultRoom);
      await relayHolds(relay.relayUrl, newVaultRoom, vault.replicas.vault().box);
      await relayHolds(relay.relayUrl, diaryAfter.roomId, diaryAfter.box);
      await relayHolds(relay.relayUrl, nLater.roomId, nLater.box);

      // The attacker: old header + old passphrase still give the old vault key...
      const oldKey = must(await unlockWithPassphrase(must(decodeVaultHeader(oldHeaderBytes)), PASS));

      // ...which opens no vault doc written after: not this device's box now, not the relay's
      // copy of either room (the new room's name derives from the new key; fetched here anyway).
      const boxes: Y.Doc[] = [...oldVaultBoxes.map((bytes) => ((d) => (Y.applyUpdate(d, bytes), d))(new Y.Doc())), vault.replicas.vault().box, await roomCopy(oldVaultRoom), await roomCopy(newVaultRoom)];
      const learned = new Map<string, Uint8Array>();
      const rooms = new Set<string>();
      const slots = new Map<string, WriterSlot>();
      for (const box of boxes) {
        const doc = readVaultDoc(oldKey, vaultId, box);
        expect(listNotebooks(doc).map((nb) => nb.name)).not.toContain('Written later');
        for (const nb of listNotebooks(doc)) {
          for (const [keyId, key] of notebookKeys(doc, nb.id)?.keys ?? []) learned.set(keyId, key);
          const room = notebookRoom(doc, nb.id);
          if (room) rooms.add(room.roomId);
          if (room) slots.set(nb.id, roomMeta(room).slot);
        }
      }
      expect(learned.size).toBeGreaterThan(0);
      expect(learned.has(diaryAfter.shared.keyring.current().keyId), 'the notebook key current after the rotation').toBe(false);

      // Device seeds and device records stored now do not open with it.
      expect((await loadDeviceKeys(services.storage, oldKey, vaultId))?.ok).toBe(false);
      expect((await loadDeviceRecord(services.storage, oldKey, vaultId, 'settings'))?.ok).toBe(false);

      // The old box database names (keyed by the old vault key) are gone from the device.
      const boxes2 = services.boxes as MemoryBoxPersistence;
      expect([...boxes2.stored.keys()]).not.toContain(`obscura-box-${deriveId(oldKey, 'notebook-box', diary).slice(0, 32)}`);

      // Every notebook key it learned from old vault docs opens nothing written after.
      for (const box of [diaryAfter.box, await roomCopy(diaryAfter.roomId), nLater.box, await roomCopy(nLater.roomId)]) {
        for (const id of [diary, later]) {
          const read = readNotes(readWith(id, learned, box, false, slots.get(id))).map((note) => note.title);
          expect(read).not.toContain('after-rotation');
          expect(read).not.toContain('later-secret');
        }
      }
      expect(rooms.has(nLater.roomId)).toBe(false);

      // The old recovery key does not open the vault any more; the new one does.
      sync.stop();
      await vault.lock();
      const byOld = await unlockVault(services, { recoveryKey: oldRecoveryKey });
      expect(byOld.ok ? 'opened' : byOld.error.code).toBe('E_RECOVERY_KEY');
      const byNew = must(await unlockVault(services, { recoveryKey: rotated.recoveryKey }));
      const reopened = must(await byNew.notebooks.open(diary));
      await until(reopened.doc, () => titles(reopened.doc).length === 2, 5_000, 'both notes after the rotation');
      expect(titles(reopened.doc)).toEqual(['after-rotation', 'before-rotation']);
      await byNew.lock();
    } finally {
      sync.stop();
      await vault.lock();
    }
  });
});
