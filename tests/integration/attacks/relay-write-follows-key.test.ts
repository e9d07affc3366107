import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote } from '../../../sync/notebook/notes.ts';
import { boxMaps } from '../../../sync/sealed/box-layout.ts';
import { readMember } from '../../../sync/share/members.ts';
import { must, newDevice, open, relayHolds, until } from '../vault-sync/vault-sync-harness.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { keylessRoomClient } from '../relay/keyless-room-client.ts';

const ORIGIN = 'https://obscura.example';
const relay = relayForSuite();

/** What the relay holds of a room, as a keyless reader sees it after `settleMs`. */
async function relayBox(roomId: string, settleMs = 1500): Promise<Y.Doc> {
  const mirror = new Y.Doc();
  const connection = keylessRoomClient(relay.relayUrl, roomId, mirror);
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  connection.destroy();
  return mirror;
}

/**
 * Issue 12 §2, §4, §5: who may write a room on the relay follows the notebook's current key.
 * An outsider who knows the room id, and a member removed by a rotation, can still read the
 * room's ciphertext there, but nothing they send is stored or passed on; the members who hold
 * the current key write as before.
 */
describe('attack: writing to a relay room without its current key', () => {
  it('an outsider and a removed member write nothing to the relay; the remaining members do', async () => {
    const alice = await newDevice(relay.relayUrl, 'alice');
    const bob = await newDevice(relay.relayUrl, 'bob');
    const carol = await newDevice(relay.relayUrl, 'carol');
    try {
      const id = alice.vault.notebooks.create('Rota');
      const na = await open(alice, id);
      createNote(na.doc, { title: 'first' });
      await na.flush();
      const invite = async () => must(await alice.vault.sharing.createInvite(id, { origin: ORIGIN, signalingUrls: [], relayUrls: [relay.relayUrl] })).link;
      must(await bob.vault.sharing.joinByInvite(await invite()));
      must(await carol.vault.sharing.joinByInvite(await invite()));
      const [nb, nc] = [await open(bob, id), await open(carol, id)];
      await until(na.doc, () => readMember(na.shared.plain, carol.vault.deviceId) !== undefined, 20_000, 'carol on alice');

      // An outsider knows the room id (the relay and signaling server see it): it writes through the relay.
      const outsider = new Y.Doc();
      const connection = keylessRoomClient(relay.relayUrl, na.roomId, outsider);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      outsider.transact(() => boxMaps(outsider).entries.set('outsider.x/1', new Uint8Array(200)));
      await new Promise((resolve) => setTimeout(resolve, 1000));
      connection.destroy();

      must(await alice.vault.sharing.removeMember(id, carol.vault.deviceId));
      await until(nb.doc, () => nb.shared.keyring.current().keyId === na.shared.keyring.current().keyId, 20_000, 'the new key on bob');
      const written = async (nb: typeof nc, title: string): Promise<string[]> => {
        const before = new Set(boxMaps(nb.box).entries.keys());
        createNote(nb.doc, { title });
        await nb.flush();
        return [...boxMaps(nb.box).entries.keys()].filter((key) => !before.has(key));
      };
      const byCarol = await written(nc, 'carol after removal');
      const byBob = await written(nb, 'bob after removal');
      expect([byCarol.length, byBob.length]).toEqual([1, 1]);
      await relayHolds(relay.relayUrl, nb.roomId, nb.box);

      const held = await relayBox(na.roomId);
      expect({
        outsider: boxMaps(held).entries.has('outsider.x/1'),
        carolAfterRemoval: byCarol.filter((key) => boxMaps(held).entries.has(key)),
        bobAfterRemoval: byBob.filter((key) => boxMaps(held).entries.has(key)),
      }).toEqual({ outsider: false, carolAfterRemoval: [], bobAfterRemoval: byBob });
    } finally {
      await Promise.all([alice.close(), bob.close(), carol.close()]);
    }
  });
});
