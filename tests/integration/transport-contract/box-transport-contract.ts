import { afterEach, describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { randomNotebookKey } from '../../../crypto/index.ts';
import type { BoxConnection, BoxRoom, BoxTransport } from '../../../sync/replication/box-transport.ts';
import { boxMaps, entryKey } from '../../../sync/sealed/box-layout.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';

/** A room as the contract uses it: its id, its password and the key it was derived from. */
export interface ContractRoom {
  readonly roomId: string;
  readonly password: string;
  readonly key: Uint8Array;
}

/** One device's key state in a room, which a test may rotate (relay write tokens). */
export interface RoomKeys {
  /** Makes `key` (epoch `epoch`) this device's current one and tells its transport. */
  rotate(key: Uint8Array, epoch: number): void;
}

/** What each implementation gives the shared suite; every device gets its own transport. */
export interface ContractFixture<Room extends BoxRoom, Connection extends BoxConnection> {
  readonly name: string;
  /** A transport for a new device (its own sockets: two devices never share one). */
  transport(): BoxTransport<Room, Connection>;
  /** The room this device connects, with `keys` to rotate its write key when the transport has one. */
  room(base: BoxRoom, room: ContractRoom): { room: Room; keys?: RoomKeys };
  /** Makes the other end send the devices in `room` a frame they cannot read; resolves once sent. */
  sendGarbage(room: ContractRoom): Promise<void>;
  /** Whether a frame it cannot read costs the connection its socket (it then reconnects). */
  readonly garbageClosesSocket: boolean;
  /** Sockets the other end saw closed so far, when it can tell. */
  closedSockets?(): number;
  /** Sockets open at the other end now, when it can tell. */
  openSockets?(): number;
  /** y-webrtc passes peers' updates on to its other peers on purpose (webrtc-box-transport.ts). */
  readonly gossips?: boolean;
  /** Write tokens follow the room's key (relay transports). */
  readonly writeTokens?: boolean;
  /** Resolves once the other end knows what a rotation changed (the relay has the new policy). */
  settled?(connection: Connection): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves when `box` has `key` in its entries; rejects with `what` after `ms`. */
export function arrives(box: Y.Doc, key: string, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => boxMaps(box).entries.has(key);
    if (check()) return resolve();
    const timer = setTimeout(() => {
      box.off('afterTransaction', onChange);
      reject(new Error(`timed out after ${ms} ms: ${what}`));
    }, ms);
    const onChange = () => {
      if (!check()) return;
      clearTimeout(timer);
      box.off('afterTransaction', onChange);
      resolve();
    };
    box.on('afterTransaction', onChange);
  });
}

let seq = 0;
/** Writes one box-shaped entry (what SealedDoc writes: a keyed binary value) and returns its key. */
function write(box: Y.Doc, origin?: unknown): string {
  const key = entryKey(`w${box.clientID}`, ++seq);
  box.transact(() => boxMaps(box).entries.set(key, new Uint8Array(64).fill(seq % 251)), origin);
  return key;
}

function newRoom(): ContractRoom {
  const key = randomNotebookKey();
  const id = `nb-contract-${++seq}`;
  return { roomId: deriveRoomId(key, id), password: deriveRoomPassword(key, id), key };
}

/** Timers and sockets Node has open, by kind. */
function handles(): { timers: number; sockets: number } {
  const info = process.getActiveResourcesInfo();
  return { timers: info.filter((kind) => kind === 'Timeout').length, sockets: info.filter((kind) => kind === 'TCPSocketWrap').length };
}

/**
 * The box transport contract (sync/replication/box-transport.ts), run against the real
 * servers by each implementation's test file, as automerge-repo runs one suite over its
 * network adapters.
 */
export function boxTransportContract<Room extends BoxRoom, Connection extends BoxConnection>(fixture: () => ContractFixture<Room, Connection>): void {
  const open: (() => void)[] = [];
  afterEach(() => open.splice(0).reverse().forEach((close) => close()));

  /** A device in `room`: its own box, awareness and transport. */
  const device = (room: ContractRoom, f = fixture()) => {
    const box = new Y.Doc();
    const awareness = new Awareness(box);
    const transport = f.transport();
    const made = f.room({ box, roomId: room.roomId, awareness }, room);
    let connection: Connection | undefined = transport.connect(made.room);
    const self = {
      box,
      awareness,
      keys: made.keys,
      get connection(): Connection {
        if (!connection) throw new Error('not connected');
        return connection;
      },
      leave() {
        connection?.destroy();
        connection = undefined;
      },
      rejoin() {
        connection = transport.connect(made.room);
      },
      destroy() {
        self.leave();
        awareness.destroy();
        box.destroy();
      },
    };
    open.push(() => self.destroy());
    return self;
  };

  describe('box transport contract', () => {
    it('two devices converge both ways, and the first sync is reported', async () => {
      const room = newRoom();
      const a = device(room);
      const b = device(room);
      await Promise.all([a.connection.whenSynced(), b.connection.whenSynced()]);
      const fromA = write(a.box);
      const fromB = write(b.box);
      await Promise.all([arrives(b.box, fromA, 20_000, 'A to B'), arrives(a.box, fromB, 20_000, 'B to A')]);
      expect(a.connection.state()).toBe('connected');
      expect(Y.encodeStateAsUpdate(a.box)).toEqual(Y.encodeStateAsUpdate(b.box));
    });

    it('updates made while a device was away reach the others once it is back, both ways', async () => {
      const room = newRoom();
      const a = device(room);
      const b = device(room);
      await arrives(b.box, write(a.box), 20_000, 'first write');
      a.leave();
      const offline = write(a.box);
      const whileAway = write(b.box);
      await sleep(300);
      expect(boxMaps(b.box).entries.has(offline)).toBe(false);
      a.rejoin();
      await Promise.all([arrives(b.box, offline, 20_000, 'the offline write'), arrives(a.box, whileAway, 20_000, 'what B wrote meanwhile')]);
    });

    it('every update it applies carries its origin, and an update with that origin is never sent back', async ({ skip }) => {
      const f = fixture();
      if (f.gossips) skip('y-webrtc passes peer updates on to its other peers by design (webrtc-box-transport.ts)');
      const room = newRoom();
      const a = device(room, f);
      const b = device(room, f);
      const origins: unknown[] = [];
      b.box.on('update', (_update: Uint8Array, origin: unknown) => origins.push(origin));
      await arrives(b.box, write(a.box), 20_000, 'A to B');
      expect(origins.length).toBeGreaterThan(0);
      expect(origins.every((origin) => origin === b.connection.origin)).toBe(true);
      // Another device's write, as if it had come in through the transport: it must not go
      // back out. (One of B's own would hold up B's later writes on A, which need it first.)
      const other = new Y.Doc();
      const echo = write(other);
      Y.applyUpdate(b.box, Y.encodeStateAsUpdate(other), b.connection.origin);
      other.destroy();
      await arrives(a.box, write(b.box), 20_000, 'a write after it');
      await sleep(300);
      expect(boxMaps(a.box).entries.has(echo)).toBe(false);
    });

    it('a frame it cannot read is counted, never thrown, and syncing goes on', async () => {
      const f = fixture();
      const room = newRoom();
      const a = device(room, f);
      const b = device(room, f);
      await arrives(a.box, write(b.box), 20_000, 'B to A');
      const before = Y.encodeStateAsUpdate(a.box);
      const closedBefore = f.closedSockets?.();
      const bad = new Promise<unknown>((resolve) => a.connection.onBadFrame(resolve));
      await f.sendGarbage(room);
      await Promise.race([bad, sleep(10_000).then(() => Promise.reject(new Error('the garbage was never reported')))]);
      expect(a.connection.badFrames()).toBeGreaterThanOrEqual(1);
      expect(Y.encodeStateAsUpdate(a.box)).toEqual(before);
      if (!f.garbageClosesSocket && closedBefore !== undefined) {
        await sleep(300);
        expect(f.closedSockets?.()).toBe(closedBefore);
      }
      await arrives(a.box, write(b.box), 20_000, 'B to A after the garbage');
      await arrives(b.box, write(a.box), 20_000, 'A to B after the garbage');
    });

    it('destroy leaves no timer or socket behind and the box stays usable', async () => {
      const room = newRoom();
      const b = device(room);
      await b.connection.whenSynced();
      const baseline = handles();
      const a = device(room);
      await arrives(b.box, write(a.box), 20_000, 'A to B');
      a.destroy();
      const deadline = Date.now() + 10_000;
      let now = handles();
      while ((now.timers > baseline.timers || now.sockets > baseline.sockets) && Date.now() < deadline) {
        await sleep(100);
        now = handles();
      }
      expect(now.sockets).toBeLessThanOrEqual(baseline.sockets);
      expect(now.timers).toBeLessThanOrEqual(baseline.timers);
      expect(() => write(b.box)).not.toThrow();
    });

    it('after a key rotation it writes with a token for the new key; a device left on the old key writes nothing', async ({ skip }) => {
      const f = fixture();
      if (!f.writeTokens) skip('this transport has no write tokens');
      const room = newRoom();
      const a = device(room, f);
      const b = device(room, f);
      await arrives(b.box, write(a.box), 20_000, 'A to B before the rotation');
      const stale = device(room, f);
      await arrives(stale.box, write(a.box), 20_000, 'A to the stale device');
      const next = randomNotebookKey();
      a.keys?.rotate(next, 1);
      b.keys?.rotate(next, 1);
      await Promise.all([f.settled?.(a.connection), f.settled?.(b.connection)]);
      await arrives(b.box, write(a.box), 20_000, 'A to B after the rotation');
      await arrives(a.box, write(b.box), 20_000, 'B to A after the rotation');
      const dropped = write(stale.box);
      await arrives(b.box, write(a.box), 20_000, 'A to B, later');
      await sleep(500);
      expect(boxMaps(b.box).entries.has(dropped)).toBe(false);
    });
  });
}
