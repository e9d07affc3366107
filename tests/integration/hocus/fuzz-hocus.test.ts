import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sodiumReady } from '../../../crypto/index.ts';
import { startRelayServer, type RelayServer } from '../../../sync/server/relay-server.ts';
import { hostileConnection } from '../../helpers/hostile-connection.ts';
import { int, mutateBytes, pick, randomBytes, type Random } from '../../helpers/fuzz.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';
import { roomState, sendFrames, syncFrame, tempDataDir } from '../relay/relay-harness.ts';

/**
 * Hocuspocus messages from a hostile client into the Hocuspocus relay: mutated
 * authentications, sync and awareness messages, mutated document names, every message type,
 * random bytes, text. Each socket must end closed by the relay or kept open, never hang;
 * the relay never crashes, and a room written before and after the fuzz keeps its entries
 * and takes new ones.
 */
let data: ReturnType<typeof tempDataDir>;
let relay: RelayServer;
const ROOM = 'fuzz-hocus-room-0123456789';

beforeAll(async () => {
  await sodiumReady();
  data = tempDataDir();
  relay = await startRelayServer({ dataDir: data.dir, port: 0, requireWriteCapability: false, limits: { maxFrameBytes: 64 * 1024 } });
});

afterAll(async () => {
  await relay.close();
  data.remove();
});

function message(room: string, type: number, write: (e: encoding.Encoder) => void = () => undefined): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, room);
  encoding.writeVarUint(e, type);
  write(e);
  return encoding.toUint8Array(e);
}

function entry(key: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getMap('entries').set(key, new Uint8Array([1, 2, 3]));
  return Y.encodeStateAsUpdate(doc);
}

/** Valid messages of every kind, to mutate. */
function corpus(room: string): Uint8Array[] {
  const awareness = encoding.createEncoder();
  encoding.writeVarUint(awareness, 1);
  encoding.writeVarUint(awareness, 42);
  encoding.writeVarUint(awareness, 1);
  encoding.writeVarString(awareness, '{"p":"AAAA"}');
  return [
    message(room, 2, (e) => (encoding.writeVarUint(e, 0), encoding.writeVarString(e, ''))),
    message(room, 0, (e) => (encoding.writeVarUint(e, 0), encoding.writeVarUint8Array(e, Y.encodeStateVector(new Y.Doc())))),
    message(room, 0, (e) => (encoding.writeVarUint(e, 1), encoding.writeVarUint8Array(e, entry('f.s/1')))),
    message(room, 0, (e) => (encoding.writeVarUint(e, 2), encoding.writeVarUint8Array(e, entry('f.s/2')))),
    message(room, 4, (e) => (encoding.writeVarUint(e, 2), encoding.writeVarUint8Array(e, entry('f.s/3')))),
    message(room, 1, (e) => encoding.writeVarUint8Array(e, encoding.toUint8Array(awareness))),
    message(room, 3),
    message(room, 5, (e) => encoding.writeVarString(e, 'stateless')),
    message(room, 6, (e) => encoding.writeVarString(e, 'broadcast')),
    message(room, 7, (e) => encoding.writeVarString(e, 'close')),
    message(room, 8, (e) => encoding.writeVarUint(e, 1)),
  ];
}

function hostileFrames(random: Random, room: string): (Uint8Array | string)[] {
  const valid = corpus(room);
  // Mostly: open the room properly, then mutated messages; sometimes junk from the start.
  const frames: (Uint8Array | string)[] = random() < 0.8 ? [valid[0] as Uint8Array] : [];
  for (let i = 0; i < 1 + int(random, 6); i++) {
    const r = random();
    if (r < 0.6) frames.push(mutateBytes(pick(random, valid), random, valid));
    else if (r < 0.85) frames.push(pick(random, valid));
    else if (r < 0.95) frames.push(randomBytes(random, 256));
    else frames.push('text frame');
  }
  return frames;
}

describe('fuzz: Hocuspocus messages into the Hocuspocus relay', () => {
  it('hostile messages end closed or kept open, never hang; the relay keeps serving a room written before and after', async () => {
    const seed = testSeed();
    console.log(`fuzz-hocus seed=${seed} (replay with OBSCURA_SEED=${seed})`);
    const random = seededRandom(seed);
    const steady = 'fuzz-steady-room-0123456789';
    expect(await sendFrames(relay.relayUrl, steady, [syncFrame(entry('before.s/1'))])).toBe('kept open');
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const outcome = await hostileConnection(relay.relayUrl, hostileFrames(random, random() < 0.5 ? ROOM : steady));
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    console.log(`fuzz-hocus outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`);
    expect([...outcomes.keys()].filter((o) => o === 'hang' || o === 'error')).toEqual([]);
    expect(await sendFrames(relay.relayUrl, steady, [syncFrame(entry('after.s/1'))])).toBe('kept open');
    const keys = [...(await roomState(relay.relayUrl, steady)).getMap('entries').keys()];
    expect(keys).toContain('before.s/1');
    expect(keys).toContain('after.s/1');
  });
});
