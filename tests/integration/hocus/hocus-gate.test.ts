import { randomBytes } from 'node:crypto';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { generateSigningKeyPair, sodiumReady } from '../../../crypto/index.ts';
import { signCapStatement } from '../../../sync/relay-cap/cap-statement.ts';
import { signWriteToken } from '../../../sync/relay-cap/write-token.ts';
import { CLOSE_BAD_FRAME } from '../../../sync/server/relay/relay-limits.ts';
import { startRelayServer, type RelayServer } from '../../../sync/server/relay-server.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { opened, roomState, syncFrame, tempDataDir } from '../relay/relay-harness.ts';

/**
 * What stock Hocuspocus lets a client do over its multiplexed socket, and our gate in front
 * of it does not (sync/server/hocus/gated-socket.ts, RELAY.md "The engine"): frames for a
 * room that was never opened, strings broadcast to every client of a room by anyone (no
 * write capability, no check), names that are not room ids, any number of rooms on one
 * socket, and one room's write token counting for another room on the same socket.
 */
let data: ReturnType<typeof tempDataDir>;
let relay: RelayServer;

beforeAll(async () => {
  await sodiumReady();
  data = tempDataDir();
  relay = await startRelayServer({ dataDir: data.dir, port: 0 });
});

afterAll(async () => {
  await relay.close();
  data.remove();
});

/** A Hocuspocus message: the document name, then `write` (its type and payload). */
function message(room: string, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, room);
  write(encoder);
  return encoding.toUint8Array(encoder);
}
const auth = (room: string, token: string) => message(room, (e) => (encoding.writeVarUint(e, 2), encoding.writeVarUint(e, 0), encoding.writeVarString(e, token)));
const inRoom = (room: string, frame: Uint8Array) => message(room, (e) => encoding.writeUint8Array(e, frame));
const broadcastStateless = (room: string, text: string) => message(room, (e) => (encoding.writeVarUint(e, 6), encoding.writeVarString(e, text)));

async function socket(): Promise<{ ws: WebSocket; received: Buffer[]; closed: Promise<number> }> {
  const ws = new WebSocket(relay.relayUrl);
  const received: Buffer[] = [];
  ws.on('message', (raw: Buffer) => void received.push(raw));
  const closed = new Promise<number>((resolve) => ws.once('close', resolve));
  await opened(ws);
  return { ws, received, closed };
}

function entry(key: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getMap('entries').set(key, new Uint8Array(randomBytes(64)));
  return Y.encodeStateAsUpdate(doc);
}

async function roomWithPolicy(room: string) {
  const admin = generateSigningKeyPair();
  const writer = generateSigningKeyPair();
  const put = await fetch(new URL(`/relay-caps/${room}`, relay.url), { method: 'PUT', body: new Uint8Array(signCapStatement(room, admin, 1, writer.publicKey)) });
  expect(put.status).toBe(201);
  return writer;
}

describe('the Hocuspocus relay gate', () => {
  it('closes a socket (4400) that sends a room frames before opening it, or a name that is not a room id; nothing is stored', async () => {
    const room = 'gate-unopened-0123456789';
    const early = await socket();
    early.ws.send(inRoom(room, syncFrame(entry('x.s/1'))));
    expect(await early.closed).toBe(CLOSE_BAD_FRAME);
    for (const name of ['notebook: Holidays 2026', 'short', '../../etc/passwd-0123456789']) {
      const named = await socket();
      named.ws.send(auth(name, ''));
      expect({ name, code: await named.closed }).toEqual({ name, code: CLOSE_BAD_FRAME });
    }
    expect(relay.relay.loadedRooms).toBe(0);
    expect([...(await roomState(relay.relayUrl, room)).getMap('entries').keys()]).toEqual([]);
  });

  it('refuses stateless broadcasts (4400): Hocuspocus would send their text to every client of the room, from anyone', async () => {
    const room = 'gate-stateless-0123456789';
    const listener = await socket();
    listener.ws.send(auth(room, ''));
    listener.ws.send(inRoom(room, syncFrame(Y.encodeStateVector(new Y.Doc()), 0)));
    const outsider = await socket();
    outsider.ws.send(auth(room, ''));
    outsider.ws.send(broadcastStateless(room, 'plaintext-canary-5e1d sent through the relay'));
    expect(await outsider.closed).toBe(CLOSE_BAD_FRAME);
    // The listener's own sync answer came; the broadcast never did.
    expect(listener.received.length).toBeGreaterThan(0);
    expect(Buffer.concat(listener.received).includes('plaintext-canary-5e1d')).toBe(false);
    listener.ws.close();
  });

  it('opens at most 256 rooms on one socket (4400 past them)', async () => {
    const many = await socket();
    for (let i = 0; i <= 256; i++) many.ws.send(auth(`gate-many-${String(i).padStart(4, '0')}-0123456789`, ''));
    expect(await many.closed).toBe(CLOSE_BAD_FRAME);
  });

  it("one room's write token does not let the same socket write another room", async () => {
    const a = 'gate-token-a-0123456789';
    const b = 'gate-token-b-0123456789';
    const writerA = await roomWithPolicy(a);
    await roomWithPolicy(b);
    const device = await socket();
    const tokenA = signWriteToken(a, writerA, Date.now());
    device.ws.send(auth(a, tokenA));
    device.ws.send(auth(b, tokenA));
    device.ws.send(inRoom(a, syncFrame(entry('a.s/1'))));
    device.ws.send(inRoom(b, syncFrame(entry('b.s/1'))));
    const keys = async (room: string) => [...(await roomState(relay.relayUrl, room)).getMap('entries').keys()];
    for (let tries = 0; tries < 100 && (await keys(a)).length === 0; tries++) await new Promise((r) => setTimeout(r, 20));
    expect(await keys(a)).toEqual(['a.s/1']);
    expect(await keys(b)).toEqual([]);
    expect(device.ws.readyState).toBe(WebSocket.OPEN);
    device.ws.close();
  });
});

describe('the Hocuspocus relay gate and the provider', () => {
  it("keeps a socket that sends 100 small updates right after opening a room, as the provider flushes what it queued offline; all 100 are stored", async () => {
    const room = 'gate-offline-queue-0123456789';
    const writer = await roomWithPolicy(room);
    const device = await socket();
    device.ws.send(auth(room, signWriteToken(room, writer, Date.now())));
    for (let i = 0; i < 100; i++) device.ws.send(inRoom(room, syncFrame(entry(`offline.s/${i}`))));
    const keys = async () => [...(await roomState(relay.relayUrl, room)).getMap('entries').keys()];
    for (let tries = 0; tries < 100 && (await keys()).length < 100 && device.ws.readyState === WebSocket.OPEN; tries++) await new Promise((r) => setTimeout(r, 20));
    expect(device.ws.readyState).toBe(WebSocket.OPEN);
    expect((await keys()).length).toBe(100);
    device.ws.close();
  });
});
