import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote } from '../../../sync/notebook/notes.ts';
import { boxMaps } from '../../../sync/sealed/box-layout.ts';
import { keysMap } from '../../../sync/share/key-envelope.ts';
import { readMember } from '../../../sync/share/members.ts';
import { revocationsMap } from '../../../sync/share/revocations.ts';
import { must, newDevice, open, reopenDevice, titles, until } from '../vault-sync/vault-sync-harness.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { keylessRoomClient } from '../relay/keyless-room-client.ts';

const ORIGIN = 'https://obscura.example';
const relay = relayForSuite();

/**
 * Issue 12 §2: a room id is known to the relay, the signaling server, removed members and
 * every holder of an old link. Through the relay (the stock relay client, no key
 * needed) such a party deletes and overwrites box entries. Every legitimate note, key and
 * revocation must survive on the victim's devices: now, after a reload, and on a device
 * that syncs afterwards.
 */
async function vandalise(roomId: string, box: Y.Doc): Promise<void> {
  const mirror = new Y.Doc();
  const connection = keylessRoomClient(relay.relayUrl, roomId, mirror);
  try {
    const target = Y.decodeStateVector(Y.encodeStateVector(box));
    const holds = (): boolean => {
      const have = Y.decodeStateVector(Y.encodeStateVector(mirror));
      return [...target].every(([client, clock]) => (have.get(client) ?? 0) >= clock);
    };
    await until(mirror, holds, 20_000, 'the room on the vandal');
    mirror.transact(() => {
      for (const map of [boxMaps(mirror).entries, boxMaps(mirror).snapshots, keysMap(mirror), revocationsMap(mirror)]) {
        const keys = [...map.keys()];
        keys.forEach((key, i) => (i % 2 === 0 ? map.delete(key) : map.set(key, new Uint8Array([1, 2, 3]))));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    connection.destroy();
  }
}

describe('attack: whoever knows a room id deletes or overwrites box entries through the relay', () => {
  it('a notebook room: notes, keys and revocations survive on the member devices, after a reload, and reach a late device', async () => {
    let alice = await newDevice(relay.relayUrl, 'alice');
    const bob = await newDevice(relay.relayUrl, 'bob');
    const carol = await newDevice(relay.relayUrl, 'carol');
    try {
      const id = alice.vault.notebooks.create('Garden');
      const na = await open(alice, id);
      for (const title of ['seeds', 'compost', 'frost']) createNote(na.doc, { title });
      await na.flush();
      const invite = async () => must(await alice.vault.sharing.createInvite(id, { origin: ORIGIN, signalingUrls: [], relayUrls: [relay.relayUrl] })).link;
      must(await bob.vault.sharing.joinByInvite(await invite()));
      must(await carol.vault.sharing.joinByInvite(await invite()));
      const nb = await open(bob, id);
      await until(na.doc, () => na.shared.plain.getMap('members').has(carol.vault.deviceId), 20_000, 'carol on alice');
      must(await alice.vault.sharing.removeMember(id, carol.vault.deviceId));
      createNote(na.doc, { title: 'after-carol' });
      await na.flush();
      await until(nb.doc, () => titles(nb.doc).includes('after-carol'), 20_000, 'bob reads after-carol');
      // Keys sealed to members (a used invite's may go: nobody may open it any more).
      const memberKeys = (): string[] => [...keysMap(na.box).keys()].filter((key) => readMember(na.shared.plain, key.split('/')[0] ?? '')?.role !== 'invite').sort();
      const keysBefore = memberKeys();
      expect(keysBefore.length).toBeGreaterThan(0);
      const revocationsBefore = revocationsMap(na.box).size;
      expect(revocationsBefore).toBeGreaterThan(0);

      await vandalise(na.roomId, na.box);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect.soft(titles(na.doc)).toEqual(['after-carol', 'compost', 'frost', 'seeds']);
      expect.soft(memberKeys()).toEqual(keysBefore);
      expect.soft(revocationsMap(na.box).size).toBe(revocationsBefore);

      await alice.close();
      alice = await reopenDevice(alice.services, relay.relayUrl, 'alice');
      const again = await open(alice, id);
      expect.soft(titles(again.doc), 'after a reload').toEqual(['after-carol', 'compost', 'frost', 'seeds']);
      expect.soft(again.sealed.quarantine.size).toBe(0);

      const late = await newDevice(relay.relayUrl, 'dave');
      try {
        must(await late.vault.sharing.joinByInvite(await invite()));
        const nd = await open(late, id);
        await until(nd.doc, () => titles(nd.doc).length === 4, 20_000, 'the notes on a late joiner').catch(() => undefined);
        expect.soft(titles(nd.doc), 'on a device that joins afterwards').toEqual(['after-carol', 'compost', 'frost', 'seeds']);
      } finally {
        await late.close();
      }
    } finally {
      await Promise.all([alice.close(), bob.close(), carol.close()]);
    }
  });

  it('the vault room: every notebook and its keys survive on the person\'s device and after a reload', async () => {
    let alice = await newDevice(relay.relayUrl, 'alice');
    try {
      const ids = ['Letters', 'Recipes', 'Taxes'].map((name) => alice.vault.notebooks.create(name));
      await alice.vault.flush();
      const replica = alice.vault.replicas.vault();
      await vandalise(replica.roomId, replica.box);
      expect.soft(alice.vault.notebooks.list().map((nb) => nb.name).sort()).toEqual(['Letters', 'Recipes', 'Taxes']);

      await alice.close();
      alice = await reopenDevice(alice.services, relay.relayUrl, 'alice');
      expect.soft(alice.vault.notebooks.list().map((nb) => nb.name).sort(), 'after a reload').toEqual(['Letters', 'Recipes', 'Taxes']);
      for (const id of ids) expect.soft((await alice.vault.notebooks.open(id)).ok, `notebook ${id} opens`).toBe(true);
    } finally {
      await alice.close();
    }
  });
});
