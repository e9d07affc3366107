import * as encoding from 'lib0/encoding';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { randomNotebookKey } from '../../../crypto/index.ts';
import { createNote, readNotes } from '../../../sync/notebook/notes.ts';
import { replicateBox } from '../../../sync/replication/replicate-box.ts';
import type { Keyring } from '../../../sync/sealed/keyring.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { hostileConnection } from '../../helpers/hostile-connection.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import { FuzzTally, int, mutateBytes, pick, randomBytes, randomValue, type Random } from '../../helpers/fuzz.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';
import { connectDevice, notebookKeyring, until, type Device } from '../relay/relay-harness.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { presenceKey } from '../../../sync/replication/presence-seal.ts';
import { testPresence } from '../../helpers/test-presence.ts';

/**
 * y-websocket frames from a hostile client, into the real relay started in-process:
 * mutated sync step 1/2 and update frames, awareness updates (odd client ids, junk JSON,
 * many states), query-awareness, unknown types, random bytes and text. Each connection
 * must end with the relay closing it or keeping it open; the relay never crashes, a case
 * never hangs, devices in another room keep syncing, a device in a fuzzed room still
 * gets its notebook, and the process's memory stays bounded.
 */
const MAX_FRAME = 64 * 1024;
// Tests one relay mechanism below the write capability, which write-capability.test.ts tests: every client here may write.
// y-websocket frames on the old engine's one-socket-per-room URLs; tests/integration/hocus/fuzz-hocus.test.ts fuzzes the default one.
const relay = relayForSuite({ limits: { maxFrameBytes: MAX_FRAME, maxDocBytes: 2 * 1024 * 1024 }, requireWriteCapability: false, engine: 'y-websocket' });
let keyring: Keyring;

beforeAll(() => {
  keyring = notebookKeyring();
});

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}

const syncFrame = (step: number, payload: Uint8Array) => frame((e) => (encoding.writeVarUint(e, 0), encoding.writeVarUint(e, step), encoding.writeVarUint8Array(e, payload)));

function awarenessFrame(states: { clientId: number; clock: number; json: string }[]): Uint8Array {
  const update = frame((e) => {
    encoding.writeVarUint(e, states.length);
    for (const s of states) {
      encoding.writeVarUint(e, s.clientId);
      encoding.writeVarUint(e, s.clock);
      encoding.writeVarString(e, s.json);
    }
  });
  return frame((e) => (encoding.writeVarUint(e, 1), encoding.writeVarUint8Array(e, update)));
}

/** Valid frames of every kind, built from a real box doc, to mutate. */
function corpus(box: Y.Doc): Uint8Array[] {
  const probe = new Y.Doc();
  probe.getMap('entries').set('x.y/1', new Uint8Array([1, 2, 3]));
  return [
    syncFrame(0, Y.encodeStateVector(box)),
    syncFrame(1, Y.encodeStateAsUpdate(box)),
    syncFrame(2, Y.encodeStateAsUpdate(probe)),
    awarenessFrame([{ clientId: 12345, clock: 1, json: JSON.stringify({ p: 'AAAA' }) }]),
    frame((e) => encoding.writeVarUint(e, 3)),
  ];
}

function hostileFrames(random: Random, frames: readonly Uint8Array[]): (Uint8Array | string)[] {
  return Array.from({ length: 1 + int(random, 4) }, () => {
    const r = random();
    if (r < 0.55) return mutateBytes(pick(random, frames), random, frames);
    if (r < 0.75) {
      const n = 1 + int(random, 50);
      return awarenessFrame(Array.from({ length: n }, () => ({
        clientId: pick(random, [int(random, 2 ** 32), 2 ** 40, 2 ** 53 - 1, 0, 12345]),
        clock: pick(random, [0, 1, int(random, 2 ** 31), 2 ** 53 - 1]),
        json: random() < 0.7 ? (JSON.stringify(randomValue(random)) ?? 'null') : pick(random, ['{', '{"p":', 'undefined', '\u0000', `{"p":"${'A'.repeat(1000)}"}`]),
      })));
    }
    if (r < 0.85) return pick(random, frames);
    if (r < 0.95) return randomBytes(random, 256);
    return 'text frame';
  });
}

const titles = (d: Device) => readNotes(d.plain).map((n) => n.title).sort();

describe('fuzz: y-protocol frames into the real relay', () => {
  it('hostile frames close only their own socket; other rooms sync, the fuzzed room still serves its notebook, memory stays bounded', async () => {
    const seed = testSeed();
    console.log(`fuzz-relay seed=${seed} (replay with OBSCURA_SEED=${seed})`);
    const random = seededRandom(seed);
    const quietRoom = 'quiet-room-0123456789';
    const fuzzRooms = ['fuzz-room-a-0123456789', 'fuzz-room-b-0123456789', 'fuzz-room-c-0123456789'];
    const a = connectDevice(relay.relayUrl, quietRoom, keyring, 'y-websocket');
    const b = connectDevice(relay.relayUrl, quietRoom, keyring, 'y-websocket');
    const owner = connectDevice(relay.relayUrl, fuzzRooms[0] as string, keyring, 'y-websocket');
    for (let i = 0; i < 3; i++) createNote(owner.plain, { title: `kept ${i}` });
    owner.sealed.flush();
    createNote(a.plain, { title: 'before' });
    a.sealed.flush();
    await until(b.plain, () => titles(b).includes('before'));
    await new Promise((r) => setTimeout(r, 200));
    owner.destroy();

    const frames = corpus(a.box);
    const heapBefore = process.memoryUsage().heapUsed;
    const tally = new FuzzTally('relay-frames');
    const closeCodes = new Map<string, number>();
    const started = performance.now();
    // Eight hostile sockets at a time, for a fixed count or time, whichever ends first.
    while (tally.tried < 600 && performance.now() - started < 8000) {
      const batchStarted = performance.now();
      const batch = Array.from({ length: 8 }, () => hostileConnection(`${relay.relayUrl}/${pick(random, fuzzRooms)}`, hostileFrames(random, frames)));
      const results = await Promise.all(batch);
      tally.slowestMs = Math.max(tally.slowestMs, performance.now() - batchStarted);
      for (const result of results) {
        tally.tried++;
        closeCodes.set(result, (closeCodes.get(result) ?? 0) + 1);
        if (result === 'hang') tally.hangs.push(`case ${tally.tried}`);
        if (result === 'error') tally.crashes.push(`case ${tally.tried}: socket error`);
      }
    }
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    console.log(`${tally.summary()} closes: ${[...closeCodes].map(([k, n]) => `${k}=${n}`).join(', ')}; heap +${heapGrowthMb.toFixed(1)} MiB; rooms loaded ${relay.relay.loadedRooms}`);
    expect(tally.hangs).toEqual([]);
    expect(tally.crashes).toEqual([]);
    expect(closeCodes.get('closed 4400') ?? 0).toBeGreaterThan(0);
    expect(heapGrowthMb).toBeLessThan(256);

    // The quiet room still syncs both ways.
    createNote(b.plain, { title: 'after' });
    b.sealed.flush();
    await until(a.plain, () => titles(a).includes('after'));

    // A new device in the fuzzed room still gets the notebook (junk entries are quarantined).
    const late = connectDevice(relay.relayUrl, fuzzRooms[0] as string, keyring, 'y-websocket');
    await until(late.plain, () => titles(late).filter((t) => t.startsWith('kept')).length === 3);
    console.log(`fuzz-relay: late device quarantined ${late.sealed.quarantine.size} junk entries`);
    late.destroy();
    a.destroy();
    b.destroy();
  });

  it('presence: an awareness state under a client id past u32 (awareness allows 2^53) is skipped, not thrown (regression)', async () => {
    const notebookKey = randomNotebookKey();
    const roomId = deriveRoomId(notebookKey, 'nb-presence');
    const box = new Y.Doc();
    const replication = replicateBox({
      box,
      roomId,
      password: deriveRoomPassword(notebookKey, 'nb-presence'),
      settings: { signalingUrls: [], relayUrl: relay.relayUrl, iceServers: [] },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      presence: testPresence(presenceKey(notebookKey, roomId), 'me', 'Laptop'),
    });
    await new Promise<void>((resolve) => {
      if (replication.status().relay === 'connected') return resolve();
      const stop = replication.onStatus((status) => status.relay === 'connected' && (stop(), resolve()));
    });
    const ws = new WebSocket(`${relay.relayUrl}/${roomId}`);
    await new Promise((r) => ws.once('open', r));
    // The relay passes the state on; our provider's awareness then holds client 2^40.
    const changed = new Promise<void>((resolve) => replication.onPresence(() => resolve()));
    ws.send(awarenessFrame([{ clientId: 2 ** 40, clock: 1, json: JSON.stringify({ p: 'AAAA' }) }]));
    await Promise.race([changed, new Promise((r) => setTimeout(r, 3000))]);
    expect(() => replication.onlineDevices()).not.toThrow();
    expect(replication.onlineDevices().map((d) => d.deviceName)).toEqual(['Laptop']);
    ws.terminate();
    replication.destroy();
  });

  it('awareness flood: a socket speaking for too many client ids over time is closed 4400; one update for too many, or a huge state, is dropped and the socket kept (regression)', async () => {
    const room = 'flood-room-0123456789';
    const watcher = new WebSocket(`${relay.relayUrl}/${room}`);
    // Awareness frames (message type 1) the relay passed on to another client of the room.
    let awarenessSeen = 0;
    watcher.on('message', (data: Buffer) => void (data[0] === 1 && awarenessSeen++));
    const relayAwarenessStates = (): number => awarenessSeen;
    await new Promise((r) => watcher.once('open', r));
    const heapBefore = process.memoryUsage().heapUsed;
    const flood = async (frames: Uint8Array[]): Promise<string> => {
      const ws = new WebSocket(`${relay.relayUrl}/${room}`);
      const result = new Promise<string>((resolve) => {
        ws.once('close', (code) => resolve(`closed ${code}`));
        ws.once('open', () => {
          for (const f of frames) ws.send(f);
          setTimeout(() => resolve('kept open'), 500);
        });
      });
      const outcome = await result;
      ws.terminate();
      return outcome;
    };
    let id = 1;
    const many = (n: number, json = '{"p":"AAAA"}') => awarenessFrame(Array.from({ length: n }, () => ({ clientId: id++, clock: 1, json })));
    // Fresh client ids, 200 at a time (each frame alone is within bounds), 200 frames.
    expect(await flood(Array.from({ length: 200 }, () => many(200)))).toBe('closed 4400');
    // The first socket's states leave the room when it closes: let that reach the watcher first.
    await new Promise((r) => setTimeout(r, 300));
    const before = relayAwarenessStates();
    expect(await flood([many(1000)])).toBe('kept open');
    expect(await flood([many(1, JSON.stringify({ p: 'A'.repeat(10_000) }))])).toBe('kept open');
    expect(relayAwarenessStates(), 'neither entered the room').toBe(before);
    // What a real client sends: its own state, renewed.
    const own = id++;
    expect(await flood([1, 2, 3].map((clock) => awarenessFrame([{ clientId: own, clock, json: '{"p":"AAAA"}' }])))).toBe('kept open');
    await new Promise((r) => setTimeout(r, 100));
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    console.log(`awareness flood: heap +${heapGrowthMb.toFixed(1)} MiB`);
    expect(heapGrowthMb).toBeLessThan(64);
    watcher.terminate();
  });
});
