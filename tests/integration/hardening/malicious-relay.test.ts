import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { generateSigningKeyPair, newKeyId, randomNotebookKey, sealEnvelope, sodiumReady, type NotebookKey } from '../../../crypto/index.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { replicateBox, type Replication } from '../../../sync/replication/replicate-box.ts';
import { boxMaps } from '../../../sync/sealed/box-layout.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';
import { startRelayServer } from '../../../sync/server/relay-server.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { addMember, foundMembers } from '../../../sync/share/members.ts';
import { removeMemberAndRotate, type SharedNotebook } from '../../../sync/share/rotate-key.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import { startRelayProcess, type RelayProcess } from '../../helpers/relay-process.ts';
import { seededRandom, shuffle, testSeed } from '../../helpers/seeded-random.ts';
import { firstKey, keyringWith, memberKeys, newDevice, openReplica, quarantineCodes, titles, type TestDevice } from '../share/share-harness.ts';
import { carriesContent, startHostileRelay, syncFrame, updateFrame, type Attack, type HostileRelay } from './hostile-relay.ts';
import { keyedRelayWrite, registerRoomWrite, writerOnly } from '../../helpers/relay-writer.ts';
import { relayWrite } from '../../../sync/replication/relay-write.ts';
import { RoomSocket, storeBeforeStart, withRoom } from '../relay/room-socket.ts';
import { tempDataDir } from '../relay/relay-harness.ts';

const Ws = WebSocket as unknown as typeof globalThis.WebSocket;
const MIB = 1024 * 1024;
const seed = testSeed();
const random = seededRandom(seed);
console.log(`[malicious relay] seed ${seed} (replay with OBSCURA_SEED=${seed})`);

/** What the suite threw at the relay and the clients, printed at the end. */
const tally = { tried: 0, rejected: 0, survived: 0, lost: 0 };
let relay: RelayProcess;
const rss: { at: string; bytes: number }[] = [];
const sampleRss = (at: string) => rss.push({ at, bytes: relay.rssBytes() });
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  await sodiumReady();
  relay = await startRelayProcess();
  sampleRss('start');
});

afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  sampleRss('end');
  console.log(`[malicious relay] cases tried ${tally.tried}, rejected ${tally.rejected}, survived ${tally.survived}, notes lost ${tally.lost}`);
  console.log(`[malicious relay] relay RSS: ${rss.map((s) => `${s.at} ${(s.bytes / MIB).toFixed(0)} MiB`).join(', ')}`);
  expect(await relay.stop()).toBe(0);
});

async function eventually(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Alice founded a notebook and added Bob; each replica is a real SealedDoc with member trust. */
async function sharedNotebook(id: string) {
  const alice = newDevice();
  const bob = newDevice();
  const k1 = firstKey();
  const a = openReplica({ id, device: alice, keyring: keyringWith(k1), founder: alice.deviceId });
  foundMembers(a.plain, memberKeys(alice), alice.signing);
  addMember(a.plain, memberKeys(bob), 'member', alice.signing);
  a.sealed.flush();
  const open = (device: TestDevice, keys = [k1]) => {
    const nb = openReplica({ id, device, keyring: keyringWith(...keys), founder: alice.deviceId });
    cleanups.push(() => nb.sealed.destroy());
    return nb;
  };
  cleanups.push(() => a.sealed.destroy());
  const roomId = deriveRoomId(k1.key as NotebookKey, id);
  const password = deriveRoomPassword(k1.key as NotebookKey, id);
  // The room's policy is set on the real relay; the devices present write tokens through whatever is in front of it.
  await registerRoomWrite(relay.relayUrl, roomId, k1.key);
  const connect = (nb: SharedNotebook, url: string): Replication => {
    // A socket per device, as on separate machines (the client shares one per WebSocket class and relay).
    const r = replicateBox({ box: nb.box, roomId, password, settings: { signalingUrls: [], relayUrl: url, iceServers: [] }, WebSocketPolyfill: class extends Ws {}, relayWrite: writerOnly(k1.key, roomId) });
    cleanups.push(() => r.destroy());
    return r;
  };
  return { alice, bob, k1, a, open, connect, roomId };
}

/** One note per update frame, like typing in separate moments. */
function writeNotes(nb: SharedNotebook, prefix: string, n: number): string[] {
  const written: string[] = [];
  for (let i = 0; i < n; i++) {
    const title = `${prefix}-${i}`;
    createNote(nb.plain, { title });
    nb.sealed.flush();
    written.push(title);
  }
  return written;
}

const hasAll = (nb: SharedNotebook, wanted: readonly string[]) => {
  const have = new Set(titles(nb));
  return wanted.every((t) => have.has(t));
};

async function hostile(): Promise<HostileRelay> {
  const h = await startHostileRelay(relay.relayUrl);
  cleanups.push(() => h.close());
  return h;
}

/**
 * Sends one frame in a room on a fresh socket and says how the relay answered (close code, or
 * still open). A writer holds the room's write key (the policy set first, the token in the
 * room's authentication), so the relay decodes what it sends; an anonymous socket is
 * read-only, and its writes are dropped unread.
 */
async function sendRaw(frame: Uint8Array | string, as: 'writer' | 'anonymous' = 'writer'): Promise<number | 'open'> {
  const room = `garbage-room-${Math.floor(random() * 1e9).toString(36).padStart(8, '0')}`;
  let token: string | undefined;
  if (as === 'writer') {
    const key = randomNotebookKey();
    const write = relayWrite(relay.relayUrl, room, keyedRelayWrite(key, room));
    await write.sync();
    token = write.token();
  }
  const socket = await RoomSocket.open(relay.relayUrl, room, token === undefined ? {} : { token });
  const ws = socket.ws;
  const closed = new Promise<number>((done) => ws.once('close', (code) => done(code)));
  ws.on('error', () => undefined);
  socket.send(frame);
  const verdict = await Promise.race([closed, new Promise<'open'>((done) => setTimeout(() => done('open'), 300))]);
  ws.terminate();
  return verdict;
}

/** A y-protocols sync frame (type 0, then what `write` adds), which RoomSocket sends in its room. */
function plainSync(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

describe('a hostile client cannot break the real relay', () => {
  it('garbage, malformed and oversize frames close only the sender; other rooms keep syncing; memory stays bounded', async () => {
    const other = await sharedNotebook('nb-bystander');
    const bob = other.open(other.bob);
    other.connect(other.a, relay.relayUrl);
    other.connect(bob, relay.relayUrl);

    const frames: (Uint8Array | string)[] = [
      'a text frame',
      new Uint8Array([42, 1, 2, 3]), // unknown message type
      new Uint8Array([0, 9, 1, 0]), // unknown sync step
      new Uint8Array([0]), // truncated
      plainSync((e) => (encoding.writeVarUint(e, syncProtocol.messageYjsUpdate), encoding.writeVarUint8Array(e, new Uint8Array([1, 200, 3, 4, 5])))),
      plainSync((e) => (encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2), encoding.writeVarUint(e, 1_000_000))), // length past the end
      new Uint8Array([1, 5, ...new TextEncoder().encode('{not json')]), // awareness garbage
      new Uint8Array(17 * MIB).fill(0xab), // over the 16 MiB frame limit
    ];
    for (let i = 0; i < 60; i++) frames.push(Uint8Array.from({ length: 1 + Math.floor(random() * 3000) }, () => Math.floor(random() * 256)));
    const outcomes = new Map<string, number>();
    for (const [i, frame] of frames.entries()) {
      const verdict = await sendRaw(frame);
      tally.tried++;
      if (verdict !== 'open') tally.rejected++;
      outcomes.set(String(verdict), (outcomes.get(String(verdict)) ?? 0) + 1);
      if (i === 7) sampleRss('after 17 MiB frame');
      expect(relay.alive(), `relay died on frame ${i}`).toBe(true);
    }
    sampleRss('after garbage');
    console.log(`[malicious relay] relay answers to ${frames.length} garbage frames: ${[...outcomes].map(([k, v]) => `${k} x${v}`).join(', ')}`);
    // The named bad cases are all refused: 4400 bad frame; the oversize one 1009, or 1006 when ws drops it mid-read.
    for (const [i, frame] of frames.slice(0, 7).entries()) expect(await sendRaw(frame), `case ${i}`).toBe(4400);
    // From a socket that may not write, a malformed update is dropped unread; the socket stays (read-only).
    for (const frame of frames.slice(4, 6)) expect(await sendRaw(frame, 'anonymous')).toBe('open');
    expect([1009, 1006]).toContain(await sendRaw(frames[7] as Uint8Array));

    const wanted = writeNotes(other.a, 'after-garbage', 5);
    await eventually(() => hasAll(bob, wanted), 'the bystander room to keep syncing');
    tally.survived++;
    expect(relay.rssBytes()).toBeLessThan((rss[0]?.bytes ?? 0) + 256 * MIB);
  });
});

describe('a hostile relay in front of a real client', () => {
  it('forged envelopes are quarantined with their codes and never reach the notes', async () => {
    const s = await sharedNotebook('nb-forgery');
    const h = await hostile();
    const b = s.open(s.bob);
    s.connect(s.a, relay.relayUrl);
    s.connect(b, h.url);
    const wanted = writeNotes(s.a, 'real', 3);
    await eventually(() => hasAll(b, wanted), 'bob to get the real notes');
    const [aliceKey, aliceEnvelope] = [...boxMaps(s.a.box).entries.entries()][0] as [string, Uint8Array];

    const stranger = newWriter(generateSigningKeyPair());
    const forgedPlain = new Y.Doc();
    createNote(forgedPlain, { title: 'FORGED' });
    const forgedUpdate = Y.encodeStateAsUpdate(forgedPlain);
    const seal = (writerId: string, seq: number, key: Uint8Array, keyId: string) =>
      sealEnvelope({ key, keyId, plaintext: forgedUpdate, signer: stranger.signer, context: { notebookId: 'nb-forgery', writerId, seq, purpose: 'update' } });
    const flipped = aliceEnvelope.slice();
    flipped[flipped.length - 5] = (flipped[flipped.length - 5] as number) ^ 1;
    const aliceWriter = aliceKey.split('/')[0] as string;
    const forgeries: [string, unknown, string][] = [
      [`${stranger.writerId}/1`, seal(stranger.writerId, 1, randomNotebookKey(), newKeyId()), 'E_KEY_UNKNOWN'],
      [`${stranger.writerId}/2`, seal(stranger.writerId, 2, s.k1.key, s.k1.keyId), 'E_SIGNER'], // a leaked key, but not a member
      [`${aliceWriter}/900`, seal(aliceWriter, 900, s.k1.key, s.k1.keyId), 'E_SIGNER'], // in Alice's slot
      [`${aliceWriter}/901`, aliceEnvelope, 'E_DECRYPT'], // Alice's own envelope, moved: its place is bound in the AEAD
      [`${aliceWriter}/902`, flipped, 'E_DECRYPT'],
      [`${aliceWriter}/903`, aliceEnvelope.slice(0, 100), 'E_TRUNCATED'],
      [`${aliceWriter}/904`, 'not bytes', 'E_ENTRY_VALUE'],
      ['no-slash-here', aliceEnvelope, 'E_ENTRY_KEY'],
    ];
    for (const [key, value] of forgeries) {
      const doc = new Y.Doc();
      doc.getMap<unknown>('entries').set(key, value);
      h.inject(updateFrame(s.roomId, Y.encodeStateAsUpdate(doc)));
      tally.tried++;
    }
    await eventually(() => b.sealed.quarantine.size === forgeries.length, 'every forgery to be quarantined');
    expect(quarantineCodes(b)).toEqual(forgeries.map(([, , code]) => code).sort());
    tally.rejected += forgeries.length;
    expect(titles(b)).toEqual(titles(s.a));
    expect(titles(b)).not.toContain('FORGED');
    expect(quarantineCodes(s.a)).toEqual([]);
  });

  for (const mode of ['replay', 'reorder', 'drop'] as const) {
    it(`${mode}: old, reordered or missing frames never corrupt the notes, and a reconnect heals what was withheld`, async () => {
      const s = await sharedNotebook(`nb-${mode}`);
      const h = await hostile();
      const sent: Uint8Array[] = [];
      const held: Uint8Array[] = [];
      let dropped = 0;
      const attacks: Record<typeof mode, Attack> = {
        replay: (frame, deliver) => {
          deliver(frame);
          if (!carriesContent(frame)) return;
          sent.push(frame);
          for (let i = 0; i < 2; i++) deliver(sent[Math.floor(random() * sent.length)] as Uint8Array);
          tally.tried += 2;
        },
        reorder: (frame, deliver) => {
          if (!carriesContent(frame)) return deliver(frame);
          held.push(frame);
          tally.tried++;
          if (held.length >= 4) shuffle(held.splice(0), random).forEach(deliver);
        },
        drop: (frame, deliver) => {
          if (carriesContent(frame) && random() < 0.3) return void (dropped++, tally.tried++);
          deliver(frame);
        },
      };
      h.attack = attacks[mode];
      const b = s.open(s.bob);
      s.connect(s.a, relay.relayUrl);
      s.connect(b, h.url);
      const wanted: string[] = [];
      for (let round = 0; round < 6; round++) {
        wanted.push(...writeNotes(s.a, `${mode}-${round}`, 5));
        await new Promise((r) => setTimeout(r, 30));
      }
      if (mode === 'reorder') {
        // Release what the last shuffle still holds, last first.
        setTimeout(() => held.splice(0).reverse().forEach((f) => h.inject(f)), 200);
      }
      if (mode !== 'drop') {
        await eventually(() => hasAll(b, wanted), `bob to get every note through ${mode}`);
      } else {
        await new Promise((r) => setTimeout(r, 500));
        const before = titles(b).filter((t) => t.startsWith('drop-')).length;
        console.log(`[malicious relay] drop: ${dropped} content frames dropped, bob had ${before}/${wanted.length} notes before reconnecting`);
        // Whatever arrived is real: a subset of Alice's notes, nothing quarantined.
        expect(titles(b).every((t) => titles(s.a).includes(t))).toBe(true);
        h.attack = (frame, deliver) => deliver(frame);
        h.dropClients();
        await eventually(() => hasAll(b, wanted), 'bob to catch up after reconnecting');
      }
      expect(titles(b)).toEqual(titles(s.a));
      expect(quarantineCodes(b)).toEqual([]);
      tally.lost += wanted.filter((t) => !titles(b).includes(t)).length;
      tally.survived++;
    });
  }

  it('garbage and oversize y-protocol frames from the relay: the client counts them, resyncs, and keeps syncing', async () => {
    const s = await sharedNotebook('nb-client-garbage');
    const h = await hostile();
    const b = s.open(s.bob);
    s.connect(s.a, relay.relayUrl);
    const rb = s.connect(b, h.url);
    const first = writeNotes(s.a, 'first', 3);
    await eventually(() => hasAll(b, first), 'the first notes');
    // 20 MiB of valid Yjs under a junk box key: it reaches the box and is quarantined there.
    const junkKeyDoc = new Y.Doc();
    junkKeyDoc.getMap<unknown>('entries').set('junk', new Uint8Array(20 * MIB).fill(7));
    h.inject(updateFrame(s.roomId, Y.encodeStateAsUpdate(junkKeyDoc)));
    tally.tried++;
    await eventually(() => quarantineCodes(b).includes('E_ENTRY_KEY'), 'the oversize junk entry to be quarantined');
    tally.rejected++;
    // In the room (its name first, as Hocuspocus frames it), so the client reads them as the room's.
    const inRoom = (bytes: Uint8Array) => withRoom(s.roomId, bytes);
    const garbage: Uint8Array[] = [
      inRoom(new Uint8Array([0, 2, 5, 1, 200, 3, 4, 5])), // an update that is not Yjs
      inRoom(new Uint8Array([0, 1, 200, 200, 200, 200, 200, 1])), // a step 2 whose length runs past the end
      inRoom(new Uint8Array([1, 5, ...new TextEncoder().encode('{not json')])), // awareness garbage
      inRoom(new Uint8Array([0])), // truncated
      syncFrame(s.roomId, (e) => encoding.writeVarUint8Array(e, new Uint8Array(20 * MIB).fill(0xcd))).slice(0, 20 * MIB), // 20 MiB of junk
    ];
    for (let i = 0; i < 10; i++) garbage.push(inRoom(Uint8Array.from({ length: 1 + Math.floor(random() * 500) }, () => Math.floor(random() * 256))));
    // And bytes that name no room the client has.
    for (let i = 0; i < 10; i++) garbage.push(Uint8Array.from({ length: 1 + Math.floor(random() * 500) }, () => Math.floor(random() * 256)));
    for (const frame of garbage) {
      h.inject(frame);
      tally.tried++;
      await new Promise((r) => setTimeout(r, 10));
    }
    await eventually(() => (rb.status().badRelayFrames ?? 0) > 0, 'bad frames to be counted');
    const later = writeNotes(s.a, 'later', 3);
    await eventually(() => hasAll(b, later), 'notes written after the garbage');
    console.log(`[malicious relay] client: ${garbage.length} garbage frames injected, ${rb.status().badRelayFrames} could not be read (each counted, the room resynced), quarantine ${quarantineCodes(b).join(' ')}`);
    // Unreadable frames were counted and the room asked for a fresh sync; y-protocols logs and skips updates Yjs cannot read.
    // Either way none of them reached the notes or the box maps.
    tally.rejected += garbage.length;
    expect(titles(b)).toEqual(titles(s.a));
    expect(quarantineCodes(b)).toEqual(['E_ENTRY_KEY']);
    tally.survived++;
  });

  it('E_STALE_KEY: a relay serving the box from before a rotation is reported stale, and the real relay clears it', async () => {
    const s = await sharedNotebook('nb-stale');
    const carol = newDevice();
    addMember(s.a.plain, memberKeys(carol), 'member', s.alice.signing);
    s.connect(s.a, relay.relayUrl);
    const before = writeNotes(s.a, 'before-rotation', 3);
    const observer = s.open(s.bob);
    const ro = s.connect(observer, relay.relayUrl);
    await eventually(() => hasAll(observer, before), 'the pre-rotation box');
    const staleBox = Y.encodeStateAsUpdate(observer.box);
    ro.destroy();

    const rotated = removeMemberAndRotate(s.a, carol.deviceId);
    if (!rotated.ok) throw new Error(rotated.error.message);
    const after = writeNotes(s.a, 'after-rotation', 2);
    const k2 = { keyId: rotated.value.keyId, key: s.a.keyring.current().key.slice() };

    // Bob's other device learned the new key from its vault doc, but an impostor serves the old
    // box: a relay of its own holding the box as it was before the rotation.
    const impostorData = tempDataDir();
    await storeBeforeStart(impostorData.dir, s.roomId, staleBox);
    const impostor = await startRelayServer({ dataDir: impostorData.dir, port: 0 });
    cleanups.push(async () => (await impostor.close(), impostorData.remove()));
    const bob2 = s.open(newDevice(), [s.k1, k2]);
    const r1 = s.connect(bob2, impostor.relayUrl);
    await eventually(() => hasAll(bob2, before), 'the stale box');
    tally.tried++;
    expect(bob2.sealed.stale?.code).toBe('E_STALE_KEY');
    expect(titles(bob2)).toEqual(before.slice().sort());
    tally.rejected++;
    // A device that never heard of the rotation cannot tell (PROTOCOL.md): not stale to it.
    const unaware = s.open(newDevice());
    s.connect(unaware, impostor.relayUrl);
    await eventually(() => hasAll(unaware, before), 'the stale box on the unaware device');
    expect(unaware.sealed.stale).toBeUndefined();

    r1.destroy();
    s.connect(bob2, relay.relayUrl);
    await eventually(() => hasAll(bob2, after), 'the rekey snapshot and later notes from the real relay');
    expect(bob2.sealed.stale).toBeUndefined();
    expect(titles(bob2)).toEqual(titles(s.a));
    tally.survived++;
  });
});
