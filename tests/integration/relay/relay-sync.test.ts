import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deriveId, randomBytes, sodiumReady } from '../../../crypto/index.ts';
import { createNote, readNotes } from '../../../sync/notebook/notes.ts';
import type { Keyring } from '../../../sync/sealed/keyring.ts';
import { type RelayServer } from '../../../sync/server/relay-server.ts';
import { RELAY_SCALE_OUT, scaleOutRedisUrl, scaleOutRows, startRelay } from './room-socket.ts';
import { connectDevice, filesContaining, notebookKeyring, tempDataDir, totalBytes, until, type Device } from './relay-harness.ts';

const MARKER_TITLE = 'zebra-canary-7f3a title';
const MARKER_BODY = 'quokka-canary-91c2 body text';
const BIG_BODY_WORDS = 'ciphertext-sized body';

let data: ReturnType<typeof tempDataDir>;
let relay: RelayServer;
let keyring: Keyring;
let roomId: string;
/** Every frame the devices sent to the relay, to look for plaintext in. */
const frames: Uint8Array[] = [];
/** Scale-out mode: every command Redis ran (MONITOR), to look for plaintext in what the node published. */
const redisCommands: string[] = [];
let monitor: Redis | undefined;
const start = (port = 0) => startRelay({ dataDir: data.dir, port, observeFrames: (_server, frame) => void frames.push(frame) });

beforeAll(async () => {
  await sodiumReady();
  if (RELAY_SCALE_OUT) {
    monitor = new Redis(await scaleOutRedisUrl(), { retryStrategy: () => null });
    const feed = await monitor.monitor();
    feed.on('monitor', (_time: string, args: string[]) => void redisCommands.push(args.join(' ')));
  }
  data = tempDataDir();
  relay = await start();
  keyring = notebookKeyring();
  // The room id as clients derive it: a keyed hash, so the relay never sees the notebook id.
  roomId = deriveId(randomBytes(32), 'relay-room', 'nb-relay');
});

afterAll(async () => {
  monitor?.disconnect();
  await relay.close();
  data.remove();
});

/** Resolves when the device's provider, now connected, has lost and regained the relay. */
function statusConnectedAgain(device: Device): Promise<void> {
  let lost = false;
  return new Promise((resolve) => {
    device.provider.on('status', ({ status }: { status: string }) => {
      if (status === 'disconnected') lost = true;
      if (status === 'connected' && lost) resolve();
    });
  });
}

const titles = (device: Device) => readNotes(device.plain).map((note) => note.title).sort();

describe('relay: box docs', () => {
  it('two devices sync a sealed notebook through the relay; a third catches up after a relay restart', async () => {
    const a = connectDevice(relay.relayUrl, roomId, keyring);
    const b = connectDevice(relay.relayUrl, roomId, keyring);
    createNote(a.plain, { title: MARKER_TITLE, body: MARKER_BODY });
    a.sealed.flush();
    await until(b.plain, () => titles(b).includes(MARKER_TITLE));
    createNote(b.plain, { title: 'from b' });
    b.sealed.flush();
    await until(a.plain, () => titles(a).length === 2);
    expect(titles(a)).toEqual(titles(b));
    a.destroy();
    b.destroy();
    // The last client gone, the room leaves memory; it lives on in LevelDB only.
    await vi.waitFor(() => expect(relay.relay.loadedRooms).toBe(0));

    await relay.close();
    relay = await start();
    expect(relay.relay.loadedRooms).toBe(0);

    const c = connectDevice(relay.relayUrl, roomId, keyring);
    await until(c.plain, () => titles(c).length === 2);
    expect(titles(c)).toEqual([MARKER_TITLE, 'from b'].sort());
    expect(readNotes(c.plain).find((note) => note.title === MARKER_TITLE)?.body).toBe(MARKER_BODY);
    expect(c.sealed.quarantine.size).toBe(0);
    c.destroy();
  });

  it('connected devices reconnect by themselves after a relay restart; a 400 KB note crosses in one frame', async () => {
    const room = deriveId(randomBytes(32), 'relay-room', 'nb-restart');
    const a = connectDevice(relay.relayUrl, room, keyring);
    const b = connectDevice(relay.relayUrl, room, keyring);
    createNote(a.plain, { title: 'first' });
    a.sealed.flush();
    await until(b.plain, () => titles(b).includes('first'));

    const port = Number(new URL(relay.url).port);
    const reconnected = Promise.all([a, b].map(statusConnectedAgain));
    await relay.close();
    relay = await start(port);
    await reconnected;
    // Bigger than a WebRTC data channel message (256 KiB): the relay takes it whole.
    const big = `${BIG_BODY_WORDS} `.repeat(20_000);
    createNote(b.plain, { title: 'big', body: big });
    b.sealed.flush();
    await until(a.plain, () => titles(a).includes('big'));
    expect(readNotes(a.plain).find((note) => note.title === 'big')?.body).toBe(big);
    a.destroy();
    b.destroy();
  });

  it("no frame sent to the relay and none of its files holds a byte of a note's plaintext", async () => {
    const markers = [MARKER_TITLE, MARKER_BODY, 'canary', BIG_BODY_WORDS];
    const sent = Buffer.concat(frames);
    expect(sent.length).toBeGreaterThan(400_000);
    for (const marker of markers) expect({ marker, sent: sent.includes(marker) }).toEqual({ marker, sent: false });
    await relay.close();
    if (RELAY_SCALE_OUT) {
      // The box is in PostgreSQL, and went through Redis to the other nodes, as ciphertext only.
      const rows = await scaleOutRows(data.dir);
      expect(rows.length).toBeGreaterThan(400_000);
      for (const marker of markers) expect({ marker, rows: rows.includes(marker) }).toEqual({ marker, rows: false });
      const carried = redisCommands.filter((command) => command.startsWith('publish obscura:room:')).join('\n');
      expect(carried.length).toBeGreaterThan(400_000);
      for (const marker of markers) expect({ marker, redis: carried.includes(marker) }).toEqual({ marker, redis: false });
    }
    // The box is on disk (LevelDB), as ciphertext only; in scale-out mode the data directory holds none of it.
    if (!RELAY_SCALE_OUT) expect(totalBytes(join(data.dir, 'docs'))).toBeGreaterThan(400_000);
    for (const marker of markers) expect({ marker, files: filesContaining(data.dir, marker) }).toEqual({ marker, files: [] });
    relay = await start();
  });
});
