import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNote, readNotes } from '../../../sync/notebook/notes.ts';
import type { Keyring } from '../../../sync/sealed/keyring.ts';
import { CLOSE_BAD_FRAME, CLOSE_QUOTA } from '../../../sync/server/relay/relay-limits.ts';
import { RoomSocket } from './room-socket.ts';
import { connectDevice, notebookKeyring, roomState, syncFrame, until, type Device } from './relay-harness.ts';
import { relayForSuite } from './relay-for-suite.ts';

const ROOM = 'frames-room-0123456789';
// Tests one relay mechanism below the write capability, which write-capability.test.ts tests: every client here may write.
const relay = relayForSuite({ limits: { maxFrameBytes: 64 * 1024, maxDocBytes: 256 * 1024 }, requireWriteCapability: false });
let keyring: Keyring;

beforeAll(() => {
  keyring = notebookKeyring();
});

const rawClient = (room = ROOM) => RoomSocket.open(relay.relayUrl, room);

const titles = (device: Device) => readNotes(device.plain).map((note) => note.title).sort();

async function stillSyncing(a: Device, b: Device, title: string): Promise<void> {
  createNote(a.plain, { title });
  a.sealed.flush();
  await until(b.plain, () => titles(b).includes(title));
}

describe('relay: bad frames close only their connection', () => {
  it('garbage, text, unknown types, a truncated update and an oversize frame; the room stays intact', async () => {
    const a = connectDevice(relay.relayUrl, ROOM, keyring);
    const b = connectDevice(relay.relayUrl, ROOM, keyring);
    await stillSyncing(a, b, 'before');

    const probe = new Y.Doc();
    probe.getText('probe').insert(0, 'hello relay');
    probe.getText('probe').delete(0, 1);
    const update = Y.encodeStateAsUpdate(probe);
    const cases: [string, Uint8Array | string, number][] = [
      ['random bytes', new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), CLOSE_BAD_FRAME],
      ['text frame', 'hello', CLOSE_BAD_FRAME],
      ['unknown message type', new Uint8Array([9, 1, 2]), CLOSE_BAD_FRAME],
      ['unknown sync step', new Uint8Array([0, 7, 0]), CLOSE_BAD_FRAME],
      ['garbage update', syncFrame(new Uint8Array([5, 200, 1, 2, 3])), CLOSE_BAD_FRAME],
      // Valid structs, cut inside the delete set: applyUpdate alone would half-apply it.
      ['truncated update', syncFrame(update.subarray(0, update.length - 1)), CLOSE_BAD_FRAME],
      ['garbage state vector', syncFrame(new Uint8Array([3, 1]), 0), CLOSE_BAD_FRAME],
      ['oversize frame', new Uint8Array(64 * 1024 + 1), 1009],
    ];
    for (const [name, frame, code] of cases) {
      const socket = await rawClient();
      const done = socket.closed();
      socket.send(frame);
      expect({ name, code: (await done).code }).toEqual({ name, code });
    }
    await stillSyncing(b, a, 'after garbage');

    // A newcomer gets the notes and nothing of the refused frames.
    const c = connectDevice(relay.relayUrl, ROOM, keyring);
    await until(c.plain, () => titles(c).length === 2);
    expect(titles(c)).toEqual(['after garbage', 'before']);
    expect(c.box.getText('probe').toString()).toBe('');
    expect(c.sealed.quarantine.size).toBe(0);
    for (const device of [a, b, c]) device.destroy();
  });

  it('a room over its quota refuses the frame that would pass it (4507) and keeps what it had', async () => {
    const room = 'quota-room-0123456789';
    const socket = await rawClient(room);
    const done = socket.closed();
    const doc = new Y.Doc();
    doc.on('update', (update: Uint8Array) => socket.send(syncFrame(update)));
    // 50 KiB values: five fit in 256 KiB, the sixth does not.
    for (let i = 0; i < 6; i++) doc.getMap('entries').set(`k${i}`, new Uint8Array(50 * 1024).fill(i));
    expect((await done).code).toBe(CLOSE_QUOTA);

    // What the room holds now, as the relay answers a sync step 1 from an empty doc.
    const reader = await roomState(relay.relayUrl, room);
    expect([...reader.getMap('entries').keys()].sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
  });
});
