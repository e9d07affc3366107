import { beforeAll, describe, expect, it } from 'vitest';
import { randomNotebookKey, sodiumReady, type NotebookKey } from '../../../crypto/index.ts';
import { openPresence, presenceKey, sealPresence } from '../../../sync/replication/presence-seal.ts';
import { deriveRoomId } from '../../../sync/transport/derive-room-id.ts';

let notebookKey: NotebookKey;
let room: string;
const me = { deviceId: 'dev-1', deviceName: 'Ada’s phone' };

beforeAll(async () => {
  await sodiumReady();
  notebookKey = randomNotebookKey();
  room = deriveRoomId(notebookKey, 'nb-presence');
});

describe('sealed presence', () => {
  it('opens for the same room and client id; the awareness state holds no plaintext', () => {
    const key = presenceKey(notebookKey, room);
    const state = sealPresence(key, room, 42, me);
    expect(Object.keys(state)).toEqual(['p']);
    expect(JSON.stringify(state)).not.toMatch(/dev-1|phone/);
    expect(openPresence(key, room, 42, state)).toEqual(me);
  });

  it('a blob moved to another client id or room, a stranger key, a flipped byte or junk is ignored', () => {
    const key = presenceKey(notebookKey, room);
    const state = sealPresence(key, room, 42, me);
    const otherRoom = deriveRoomId(notebookKey, 'nb-other');
    expect(openPresence(key, room, 43, state)).toBeUndefined();
    expect(openPresence(presenceKey(notebookKey, otherRoom), otherRoom, 42, state)).toBeUndefined();
    expect(openPresence(presenceKey(randomNotebookKey(), room), room, 42, state)).toBeUndefined();
    const flipped = state.p.slice(0, 40) + (state.p[40] === 'A' ? 'B' : 'A') + state.p.slice(41);
    expect(openPresence(key, room, 42, { p: flipped })).toBeUndefined();
    for (const junk of [null, 'x', { p: 7 }, { p: '!!' }, { name: 'plain' }]) expect(openPresence(key, room, 42, junk)).toBeUndefined();
  });

  it('the presence key is neither the notebook key nor the same for two rooms', () => {
    const key = presenceKey(notebookKey, room);
    expect(Buffer.from(key).equals(Buffer.from(notebookKey))).toBe(false);
    expect(Buffer.from(key).equals(Buffer.from(presenceKey(notebookKey, deriveRoomId(notebookKey, 'nb-2'))))).toBe(false);
  });
});
