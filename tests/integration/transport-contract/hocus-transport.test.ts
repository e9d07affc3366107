import { describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { randomNotebookKey } from '../../../crypto/index.ts';
import { hocusTransport } from '../../../sync/replication/hocus-transport.ts';
import { boxMaps, entryKey } from '../../../sync/sealed/box-layout.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import { arrives, boxTransportContract } from './box-transport-contract.ts';
import { relayFixture } from './relay-fixture.ts';

describe('Hocuspocus transport (@hocuspocus/provider, Hocuspocus relay)', () => {
  const fixture = relayFixture('relay (Hocuspocus)', hocusTransport);
  boxTransportContract(fixture);

  it('delivered: true once the relay stored what the device wrote (a fresh reader has it at once); false without a write key', async () => {
    const f = fixture();
    const key = randomNotebookKey();
    const room = { roomId: deriveRoomId(key, 'nb-delivered'), password: deriveRoomPassword(key, 'nb-delivered'), key };
    const box = new Y.Doc();
    const writer = f.transport().connect(f.room({ box, roomId: room.roomId }, room).room);
    const reader = new Y.Doc();
    const readOnly = f.transport().connect({ box: new Y.Doc(), roomId: room.roomId });
    try {
      await writer.whenSynced();
      for (let n = 1; n <= 20; n++) box.transact(() => boxMaps(box).entries.set(entryKey('delivered', n), new Uint8Array(64)));
      expect(await writer.delivered(20_000)).toBe(true);
      const fresh = f.transport().connect({ box: reader, roomId: room.roomId });
      try {
        await fresh.whenSynced();
        expect(boxMaps(reader).entries.size).toBe(20);
      } finally {
        fresh.destroy();
      }
      expect(await readOnly.delivered(1_000)).toBe(false);
    } finally {
      writer.destroy();
      readOnly.destroy();
    }
  });

  it("one socket carries all of a device's rooms, and each room syncs on it", async () => {
    const f = fixture();
    const rooms = [1, 2, 3].map((n) => {
      const key = randomNotebookKey();
      return { roomId: deriveRoomId(key, `nb-multi-${n}`), password: deriveRoomPassword(key, `nb-multi-${n}`), key };
    });
    // The sockets of the tests before close in the background.
    for (let waited = 0; (f.openSockets?.() ?? 0) > 0 && waited < 10_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(f.openSockets?.()).toBe(0);
    const device = () => {
      const transport = f.transport();
      return rooms.map((room) => {
        const box = new Y.Doc();
        const awareness = new Awareness(box);
        const connection = transport.connect(f.room({ box, roomId: room.roomId, awareness }, room).room);
        return { box, awareness, connection };
      });
    };
    const a = device();
    const b = device();
    try {
      await Promise.all(a.map(({ box }, i) => {
        const key = entryKey(`multi${i}`, 1);
        box.transact(() => boxMaps(box).entries.set(key, new Uint8Array(16)));
        return arrives(b[i]!.box, key, 20_000, `room ${i} from A to B`);
      }));
      expect(f.openSockets?.()).toBe(2);
      // The same room twice on one socket would take the first one's messages: refused.
      const again = f.transport();
      const first = again.connect(f.room({ box: new Y.Doc(), roomId: rooms[0]!.roomId }, rooms[0]!).room);
      expect(() => again.connect(f.room({ box: new Y.Doc(), roomId: rooms[0]!.roomId }, rooms[0]!).room)).toThrow(/already connected/);
      first.destroy();
    } finally {
      for (const side of [a, b]) for (const { connection, awareness } of side) {
        connection.destroy();
        awareness.destroy();
      }
    }
  });
});
