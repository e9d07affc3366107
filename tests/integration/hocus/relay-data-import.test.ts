import { cpSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { signCapStatement } from '../../../sync/relay-cap/cap-statement.ts';
import { signWriteToken } from '../../../sync/relay-cap/write-token.ts';
import { startRelayServer, type RelayServer } from '../../../sync/server/relay-server.ts';
import {
  blobHash,
  entryUpdate,
  FIXTURE_BLOB,
  FIXTURE_DIR,
  FIXTURE_ENTRIES,
  FIXTURE_PARTIAL,
  FIXTURE_PARTIAL_FIRST,
  FIXTURE_ROOM,
  fixtureAdmin,
  fixtureWriter,
} from '../../fixtures/relay-data/relay-data-fixture.ts';
import { roomState, sendFrames, syncFrame, tempDataDir } from '../relay/relay-harness.ts';

/**
 * A relay data directory written by the y-websocket relay of earlier versions (the relay before
 * Hocuspocus, since removed; committed bytes, tests/fixtures/relay-data/relay-data-fixture.ts
 * says how they were made) under the relay of `npm start` and `npm run relay`: everything the
 * old relay stored is there as it was, with nothing imported (README "Moving from the
 * y-websocket relay").
 */
let data: ReturnType<typeof tempDataDir>;
let relay: RelayServer | undefined;

const start = async (): Promise<RelayServer> => (relay = await startRelayServer({ dataDir: data.dir, port: 0 }));
const stop = async (): Promise<void> => {
  await relay?.close();
  relay = undefined;
};
const token = (): string => signWriteToken(FIXTURE_ROOM, fixtureWriter(), Date.now());
const entries = async (server: RelayServer) => new Map([...(await roomState(server.relayUrl, FIXTURE_ROOM)).getMap<Uint8Array>('entries').entries()]);

beforeAll(async () => {
  await sodiumReady();
  data = tempDataDir();
  // The relay writes in its data directory (LevelDB's log, the partial upload): a copy.
  cpSync(FIXTURE_DIR, data.dir, { recursive: true });
});

afterAll(async () => {
  await stop();
  data.remove();
});

describe('a relay data directory the y-websocket relay wrote, under the relay of this version', () => {
  it('serves every box update, the blob and the write policy as stored', async () => {
    const server = await start();
    const got = await entries(server);
    expect([...got.keys()].sort()).toEqual(FIXTURE_ENTRIES.map((e) => e.key));
    for (const { key, value } of FIXTURE_ENTRIES) expect(got.get(key)).toEqual(value);
    const blob = await fetch(`${server.blobsUrl}/${FIXTURE_ROOM}/${blobHash(FIXTURE_BLOB)}`);
    expect(blob.status).toBe(200);
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(FIXTURE_BLOB);
    const policy = await fetch(`${new URL(server.url).origin}/relay-caps/${FIXTURE_ROOM}`);
    expect(policy.status).toBe(200);
    expect(new Uint8Array(await policy.arrayBuffer())).toEqual(signCapStatement(FIXTURE_ROOM, fixtureAdmin(), 1, fixtureWriter().publicKey));
    await stop();
  });

  it('keeps the write policy: the stored write key writes, no token is read-only, and a stranger cannot take the room over', async () => {
    const server = await start();
    expect(await sendFrames(server.relayUrl, FIXTURE_ROOM, [syncFrame(entryUpdate('new.s/1', new Uint8Array([1, 2, 3])))], { token: token() })).toBe('kept open');
    expect(await sendFrames(server.relayUrl, FIXTURE_ROOM, [syncFrame(entryUpdate('stranger.s/1', new Uint8Array([9])))])).toBe('kept open');
    const got = await entries(server);
    expect(got.get('new.s/1')).toEqual(new Uint8Array([1, 2, 3]));
    expect(got.has('stranger.s/1')).toBe(false);
    const stranger = await fetch(`${new URL(server.url).origin}/relay-caps/${FIXTURE_ROOM}`, { method: 'PUT', body: signCapStatement(FIXTURE_ROOM, fixtureWriter(), 2, fixtureWriter().publicKey) as Uint8Array<ArrayBuffer> });
    expect(stranger.status).toBe(409);
    await stop();
  });

  it('resumes the upload the old relay left half done, from where it stopped, and serves the whole blob', async () => {
    const server = await start();
    const url = `${server.blobsUrl}/${FIXTURE_ROOM}/${blobHash(FIXTURE_PARTIAL)}`;
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(head.headers.get('Upload-Offset')).toBe(String(FIXTURE_PARTIAL_FIRST));
    const rest = await fetch(url, {
      method: 'PUT',
      body: FIXTURE_PARTIAL.slice(FIXTURE_PARTIAL_FIRST) as Uint8Array<ArrayBuffer>,
      headers: { 'Obscura-Cap': token(), 'Content-Range': `bytes ${FIXTURE_PARTIAL_FIRST}-${FIXTURE_PARTIAL.length - 1}/${FIXTURE_PARTIAL.length}` },
    });
    expect(rest.status).toBe(201);
    expect(new Uint8Array(await (await fetch(url)).arrayBuffer())).toEqual(FIXTURE_PARTIAL);
    await stop();
  });

  it('after a restart still holds the old updates beside the new one (LevelDB reopened)', async () => {
    const server = await start();
    expect([...(await entries(server)).keys()].sort()).toEqual([...FIXTURE_ENTRIES.map((e) => e.key), 'new.s/1'].sort());
    await stop();
  });
});
