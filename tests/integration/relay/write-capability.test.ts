import { randomBytes } from 'node:crypto';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { contentHash, generateSigningKeyPair, sodiumReady, type SigningKeyPair } from '../../../crypto/index.ts';
import { signCapStatement } from '../../../sync/relay-cap/cap-statement.ts';
import { signWriteToken } from '../../../sync/relay-cap/write-token.ts';
import type { RelayServer, RelayServerOptions } from '../../../sync/server/relay-server.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { RoomSocket, startRelay } from './room-socket.ts';
import { roomState, sendFrames, syncFrame, tempDataDir } from './relay-harness.ts';

/**
 * Room ids are not secrets (they travel in URLs, invite links and logs), so knowing one
 * must not be enough to write the room. The room's admin registers a write key with the
 * relay (trust on first use); a connection or upload that proves that key may write, any
 * other connection is read-only: it still syncs down (a device that missed a rotation
 * must read the box to find its new key), but what it sends is dropped.
 */
const MINUTE = 60_000;
let data: ReturnType<typeof tempDataDir>;
let relay: RelayServer;
const options = (): RelayServerOptions => ({ dataDir: data.dir, port: 0, requireWriteCapability: true, });

beforeAll(async () => {
  await sodiumReady();
  data = tempDataDir();
  relay = await startRelay(options());
});

afterAll(async () => {
  await relay.close();
  data.remove();
});

const capsUrl = (room: string) => new URL(`/relay-caps/${room}`, relay.url).toString();
const putCaps = (room: string, body: Uint8Array, headers: Record<string, string> = {}) =>
  fetch(capsUrl(room), { method: 'PUT', body: new Uint8Array(body), headers });
const token = (room: string, writer: SigningKeyPair, offsetMs = 0) => signWriteToken(room, writer, Date.now() + offsetMs);

function entry(key: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getMap('entries').set(key, new Uint8Array(randomBytes(64)));
  return Y.encodeStateAsUpdate(doc);
}

function awarenessFrame(clientId: number): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, 1);
  encoding.writeVarUint(update, clientId);
  encoding.writeVarUint(update, 1);
  encoding.writeVarString(update, '{"p":"AAAA"}');
  const frame = encoding.createEncoder();
  encoding.writeVarUint(frame, 1);
  encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
  return encoding.toUint8Array(frame);
}

const keys = async (room: string) => [...(await roomState(relay.relayUrl, room)).getMap('entries').keys()].sort();
const putBlob = (room: string, bytes: Uint8Array, cap?: string) =>
  fetch(`${relay.blobsUrl}/${room}/${contentHash(bytes)}`, { method: 'PUT', body: new Uint8Array(bytes), headers: cap ? { 'Obscura-Cap': cap } : {} }).then((r) => r.status);
const blobThere = async (room: string, bytes: Uint8Array) => (await fetch(`${relay.blobsUrl}/${room}/${contentHash(bytes)}`, { method: 'HEAD' })).status === 200;

/** A room whose admin registered `writer` as its write key at epoch 1. */
async function roomWithPolicy(room: string): Promise<{ admin: SigningKeyPair; writer: SigningKeyPair }> {
  const admin = generateSigningKeyPair();
  const writer = generateSigningKeyPair();
  expect((await putCaps(room, signCapStatement(room, admin, 1, writer.publicKey))).status).toBe(201);
  return { admin, writer };
}

describe('relay: write capability', () => {
  it('takes a room policy on first use (201), the same statement again (200), a higher epoch (200); 409 for another admin or an epoch not higher, 400 for junk; GET serves it with a Date', async () => {
    const room = 'caps-tofu-0123456789';
    expect((await fetch(capsUrl(room))).status).toBe(404);
    const admin = generateSigningKeyPair();
    const w1 = generateSigningKeyPair();
    const first = signCapStatement(room, admin, 1, w1.publicKey);
    const created = await putCaps(room, first);
    expect([created.status, created.headers.get('date') !== null]).toEqual([201, true]);
    expect((await putCaps(room, first)).status).toBe(200);
    const got = await fetch(capsUrl(room));
    expect([got.status, got.headers.get('content-type'), got.headers.get('date') !== null]).toEqual([200, 'application/octet-stream', true]);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(first);

    const second = signCapStatement(room, admin, 2, generateSigningKeyPair().publicKey);
    expect((await putCaps(room, second)).status).toBe(200);
    expect(new Uint8Array(await (await fetch(capsUrl(room))).arrayBuffer())).toEqual(second);
    const refused: [string, Uint8Array, number][] = [
      ['the old epoch again', first, 409],
      ['the same epoch, another key', signCapStatement(room, admin, 2, generateSigningKeyPair().publicKey), 409],
      ['another admin, a higher epoch', signCapStatement(room, generateSigningKeyPair(), 9, w1.publicKey), 409],
      ['a flipped byte', Uint8Array.from(second, (byte, i) => (i === 40 ? byte ^ 1 : byte)), 400],
      ['cut short', second.subarray(0, 100), 400],
      ["another room's statement", signCapStatement('caps-other-0123456789', admin, 3, w1.publicKey), 400],
      ['nothing', new Uint8Array(0), 400],
    ];
    for (const [name, body, status] of refused) expect({ name, status: (await putCaps(room, body)).status }).toEqual({ name, status });
    expect({ page: (await putCaps(room, signCapStatement(room, admin, 5, w1.publicKey), { Origin: 'http://evil.example' })).status }).toEqual({ page: 403 });
    expect(new Uint8Array(await (await fetch(capsUrl(room))).arrayBuffer())).toEqual(second);
  });

  it('an outsider who knows the room id cannot change the stored doc, the awareness or the blobs, and can still read', async () => {
    const room = 'caps-outsider-0123456789';
    const { writer } = await roomWithPolicy(room);
    expect(await sendFrames(relay.relayUrl, room, [syncFrame(entry('owner.s/1'))], { token: token(room, writer) })).toBe('kept open');

    const watcher = await RoomSocket.open(relay.relayUrl, room);
    const heard: number[] = [];
    watcher.onFrame((frame) => void (frame[0] === 1 && heard.push(frame.length)));
    const outsider = generateSigningKeyPair();
    // No token, a token of the outsider's own key, garbage: the socket stays open, the frames are dropped.
    for (const cap of [undefined, token(room, outsider), 'junk']) {
      expect({ cap, outcome: await sendFrames(relay.relayUrl, room, [syncFrame(entry('outsider.s/1')), awarenessFrame(777)], { token: cap }) }).toEqual({ cap, outcome: 'kept open' });
    }
    expect(heard).toEqual([]);
    expect(await keys(room)).toEqual(['owner.s/1']);
    expect(relay.relay.ignoredWrites).toBeGreaterThanOrEqual(6);

    const blob = randomBytes(2000);
    for (const cap of [undefined, token(room, outsider), 'junk', token('caps-other-0123456789', writer)]) {
      expect({ cap, status: await putBlob(room, blob, cap) }).toEqual({ cap, status: 403 });
    }
    expect(await blobThere(room, blob)).toBe(false);
    expect(await putBlob(room, blob, token(room, writer))).toBe(201);
    // Reading stays open to anyone who knows the room.
    expect(await blobThere(room, blob)).toBe(true);
    watcher.close();
  });

  it("a connection proven with the old epoch's key becomes read-only once the policy moves on; the new key writes", async () => {
    const room = 'caps-rotate-0123456789';
    const { admin, writer: w1 } = await roomWithPolicy(room);
    const old = await RoomSocket.open(relay.relayUrl, room, { token: token(room, w1) });
    const write = (socket: RoomSocket, key: string) =>
      new Promise<void>((resolve) => {
        const stop = socket.onFrame((frame) => {
          if (frame[0] !== 0 || frame[1] !== 1) return;
          stop();
          resolve();
        });
        socket.send(syncFrame(entry(key)));
        socket.send(syncFrame(Y.encodeStateVector(new Y.Doc()), 0));
      });
    await write(old, 'w1.s/1');
    expect(await keys(room)).toEqual(['w1.s/1']);

    const w2 = generateSigningKeyPair();
    expect((await putCaps(room, signCapStatement(room, admin, 2, w2.publicKey))).status).toBe(200);
    await write(old, 'w1.s/2');
    expect(old.ws.readyState).toBe(WebSocket.OPEN);
    expect(await keys(room)).toEqual(['w1.s/1']);
    expect(await putBlob(room, randomBytes(500), token(room, w1))).toBe(403);
    expect(await sendFrames(relay.relayUrl, room, [syncFrame(entry('w2.s/1'))], { token: token(room, w2) })).toBe('kept open');
    expect(await keys(room)).toEqual(['w1.s/1', 'w2.s/1']);
    old.close();
  });

  it('a room without a policy is read-only for everyone; a token more than 5 minutes off the clock is read-only', async () => {
    const bare = 'caps-bare-0123456789';
    const someone = generateSigningKeyPair();
    expect(await sendFrames(relay.relayUrl, bare, [syncFrame(entry('x.s/1'))], { token: token(bare, someone) })).toBe('kept open');
    expect(await keys(bare)).toEqual([]);
    expect(await putBlob(bare, randomBytes(500), token(bare, someone))).toBe(403);

    const room = 'caps-clock-0123456789';
    const { writer } = await roomWithPolicy(room);
    for (const [offset, key] of [[-6 * MINUTE, 'old.s/1'], [6 * MINUTE, 'new.s/1'], [-4 * MINUTE, 'ok.s/1'], [4 * MINUTE, 'ok.s/2']] as const) {
      expect(await sendFrames(relay.relayUrl, room, [syncFrame(entry(key))], { token: token(room, writer, offset) })).toBe('kept open');
    }
    expect(await keys(room)).toEqual(['ok.s/1', 'ok.s/2']);
    expect(await putBlob(room, randomBytes(500), token(room, writer, -6 * MINUTE))).toBe(403);
  });

  it('policies survive a relay restart', async () => {
    const room = 'caps-restart-0123456789';
    const { admin, writer } = await roomWithPolicy(room);
    const statement = new Uint8Array(await (await fetch(capsUrl(room))).arrayBuffer());
    await relay.close();
    relay = await startRelay(options());
    expect(new Uint8Array(await (await fetch(capsUrl(room))).arrayBuffer())).toEqual(statement);
    expect((await putCaps(room, signCapStatement(room, generateSigningKeyPair(), 5, writer.publicKey))).status).toBe(409);
    expect((await putCaps(room, signCapStatement(room, admin, 1, generateSigningKeyPair().publicKey))).status).toBe(409);
    expect(await sendFrames(relay.relayUrl, room, [syncFrame(entry('after.s/1'))], { token: token(room, writer) })).toBe('kept open');
    expect(await keys(room)).toEqual(['after.s/1']);
  });
});
