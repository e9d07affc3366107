import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fromHex } from '../../../crypto/index.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { readMember } from '../../../sync/share/members.ts';
import { must, newDevice, open, relayHolds, until } from '../vault-sync/vault-sync-harness.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';

const ORIGIN = 'https://obscura.example';
const relay = relayForSuite();

/** Everything a relay holds of a room: the box's map keys and the bytes of its whole state. */
function roomView(box: Y.Doc): { keys: string[]; bytes: Buffer } {
  const keys: string[] = [];
  for (const name of ['entries', 'snapshots', 'keys', 'revocations', 'epochs']) keys.push(...box.getMap(name).keys());
  return { keys, bytes: Buffer.from(Y.encodeStateAsUpdate(box)) };
}

/** The identifiers a box key names: writer slots, recipients, signers (the parts between `/` and `.`). */
const tokens = (keys: readonly string[]): Set<string> => new Set(keys.flatMap((key) => key.split(/[/.]/)).filter((part) => part.length >= 16));

/**
 * Issue 12 §7: one 128-bit device id appeared in the vault room and in every notebook room
 * (writer ids, key names, revocations), and every envelope carried its signer's public key
 * in clear, so a relay could rebuild the person <-> devices <-> notebooks graph and who
 * removed whom. Nothing a relay stores may name a device, and no identifier may repeat
 * across two rooms.
 */
describe('attack: a relay links devices and notebooks across rooms', () => {
  it('no room names a device or carries its signing key, and no identifier appears in two rooms', async () => {
    const alice = await newDevice(relay.relayUrl, 'alice');
    const bob = await newDevice(relay.relayUrl, 'bob');
    const carol = await newDevice(relay.relayUrl, 'carol');
    try {
      const shared = alice.vault.notebooks.create('Shared');
      const own = alice.vault.notebooks.create('Own');
      const ns = await open(alice, shared);
      const no = await open(alice, own);
      createNote(ns.doc, { title: 'shared note' });
      createNote(no.doc, { title: 'own note' });
      const invite = async () => must(await alice.vault.sharing.createInvite(shared, { origin: ORIGIN, signalingUrls: [], relayUrls: [relay.relayUrl] })).link;
      must(await bob.vault.sharing.joinByInvite(await invite()));
      must(await carol.vault.sharing.joinByInvite(await invite()));
      const nb = await open(bob, shared);
      createNote(nb.doc, { title: 'bob note' });
      await nb.flush();
      await until(ns.doc, () => readMember(ns.shared.plain, carol.vault.deviceId) !== undefined, 20_000, 'carol on alice');
      must(await alice.vault.sharing.removeMember(shared, carol.vault.deviceId));
      await alice.vault.flush();
      const vaultRoom = alice.vault.replicas.vault();
      for (const [roomId, box] of [[vaultRoom.roomId, vaultRoom.box], [ns.roomId, ns.box], [no.roomId, no.box]] as const) await relayHolds(relay.relayUrl, roomId, box);

      const rooms = { vault: roomView(vaultRoom.box), shared: roomView(ns.box), own: roomView(no.box) };
      const devices = [alice, bob, carol].map((device) => ({ id: device.vault.deviceId, pk: readMember(ns.shared.plain, device.vault.deviceId)?.signingPublicKey }));
      const found: string[] = [];
      for (const [name, room] of Object.entries(rooms)) {
        for (const device of devices) {
          if (room.keys.some((key) => key.includes(device.id))) found.push(`${name}: a box key names device ${device.id}`);
          if (room.bytes.includes(Buffer.from(device.id))) found.push(`${name}: the state holds device id ${device.id} as text`);
          const raw = fromHex(device.id);
          if (raw.ok && room.bytes.includes(Buffer.from(raw.value))) found.push(`${name}: the state holds device id ${device.id} as bytes`);
          if (device.pk && room.bytes.includes(Buffer.from(device.pk))) found.push(`${name}: the state holds the signing key of ${device.id}`);
        }
      }
      const names = Object.keys(rooms) as (keyof typeof rooms)[];
      for (const a of names) {
        for (const b of names) {
          if (a >= b) continue;
          const common = [...tokens(rooms[a].keys)].filter((token) => tokens(rooms[b].keys).has(token));
          if (common.length > 0) found.push(`${a} and ${b} share identifiers ${common.join(', ')}`);
        }
      }
      expect(found).toEqual([]);
    } finally {
      await Promise.all([alice.close(), bob.close(), carol.close()]);
    }
  });
});
