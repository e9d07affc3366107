import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { contentHash, randomBytes, sodiumReady } from '../../../crypto/index.ts';
import type { RelayEngine } from '../../../sync/server/attach-sync.ts';
import { startRelayServer } from '../../../sync/server/relay-server.ts';
import { roomState, sendFrames, syncFrame, tempDataDir } from '../relay/relay-harness.ts';

/**
 * The Hocuspocus relay reads the data directory the y-websocket relay wrote (docs/ in
 * y-leveldb's format, blobs/, caps/) as it is, so moving to it needs no import, and moving
 * back reads what it wrote (RELAY.md "Two engines").
 */
let data: ReturnType<typeof tempDataDir>;
const ROOM = 'switch-room-0123456789';

beforeAll(async () => {
  await sodiumReady();
  data = tempDataDir();
});

afterAll(() => data.remove());

const start = (relayEngine: RelayEngine) => startRelayServer({ dataDir: data.dir, port: 0, relayEngine, requireWriteCapability: false });

function entry(key: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getMap('entries').set(key, randomBytes(64));
  return Y.encodeStateAsUpdate(doc);
}

describe('switching relay engines on one data directory', () => {
  it('y-websocket -> Hocuspocus -> y-websocket: every doc update and blob stays readable, nothing is imported', async () => {
    const blob = randomBytes(3000);
    const blobUrl = (base: string) => `${base}/${ROOM}/${contentHash(blob)}`;
    const keys = async (relayUrl: string, engine: RelayEngine) => [...(await roomState(relayUrl, ROOM, { engine })).getMap('entries').keys()].sort();

    const old = await start('y-websocket');
    expect(await sendFrames(old.relayUrl, ROOM, [syncFrame(entry('old.s/1'))], { engine: 'y-websocket' })).toBe('kept open');
    expect((await fetch(blobUrl(old.blobsUrl), { method: 'PUT', body: new Uint8Array(blob) })).status).toBe(201);
    await old.close();

    const hocus = await start('hocuspocus');
    expect(await keys(hocus.relayUrl, 'hocuspocus')).toEqual(['old.s/1']);
    expect(new Uint8Array(await (await fetch(blobUrl(hocus.blobsUrl))).arrayBuffer())).toEqual(blob);
    await hocus.close();
    const hocusAgain = await start('hocuspocus');
    expect(await sendFrames(hocusAgain.relayUrl, ROOM, [syncFrame(entry('new.s/1'))], { engine: 'hocuspocus' })).toBe('kept open');
    await hocusAgain.close();

    const back = await start('y-websocket');
    expect(await keys(back.relayUrl, 'y-websocket')).toEqual(['new.s/1', 'old.s/1']);
    await back.close();
  });
});
