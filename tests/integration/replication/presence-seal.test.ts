import { beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeyPair, randomNotebookKey, sodiumReady, type NotebookKey, type SigningKeyPair } from '../../../crypto/index.ts';
import { openPresence, presenceKey, sealPresence, type PresenceSigningKeys } from '../../../sync/replication/presence-seal.ts';
import { deriveRoomId } from '../../../sync/transport/derive-room-id.ts';

let notebookKey: NotebookKey;
let room: string;
let signer: SigningKeyPair;
let members: PresenceSigningKeys;
const me = { deviceId: 'dev-1', deviceName: 'Ada’s phone' };

beforeAll(async () => {
  await sodiumReady();
  notebookKey = randomNotebookKey();
  room = deriveRoomId(notebookKey, 'nb-presence');
  signer = generateSigningKeyPair();
  members = (deviceId) => (deviceId === me.deviceId ? signer.publicKey : undefined);
});

describe('sealed presence', () => {
  it('opens for the same room and client id, signed by the device the member list names; the awareness state holds no plaintext', () => {
    const key = presenceKey(notebookKey, room);
    const state = sealPresence(key, room, 42, me, signer);
    expect(Object.keys(state)).toEqual(['p']);
    expect(JSON.stringify(state)).not.toMatch(/dev-1|phone/);
    expect(openPresence(key, room, 42, state, members)).toEqual(me);
  });

  it('a blob moved to another client id or room, a stranger key, a flipped byte or junk is ignored', () => {
    const key = presenceKey(notebookKey, room);
    const state = sealPresence(key, room, 42, me, signer);
    const otherRoom = deriveRoomId(notebookKey, 'nb-other');
    expect(openPresence(key, room, 43, state, members)).toBeUndefined();
    expect(openPresence(presenceKey(notebookKey, otherRoom), otherRoom, 42, state, members)).toBeUndefined();
    expect(openPresence(presenceKey(randomNotebookKey(), room), room, 42, state, members)).toBeUndefined();
    const flipped = state.p.slice(0, 40) + (state.p[40] === 'A' ? 'B' : 'A') + state.p.slice(41);
    expect(openPresence(key, room, 42, { p: flipped }, members)).toBeUndefined();
    for (const junk of [null, 'x', { p: 7 }, { p: '!!' }, { name: 'plain' }, { p: 'A'.repeat(64 * 1024) }]) expect(openPresence(key, room, 42, junk, members)).toBeUndefined();
  });

  it('whoever knows the room cannot appear as a member: a state signed by another key, or naming a device the list does not have, is ignored', () => {
    const key = presenceKey(notebookKey, room);
    const intruder = generateSigningKeyPair();
    expect(openPresence(key, room, 42, sealPresence(key, room, 42, me, intruder), members)).toBeUndefined();
    expect(openPresence(key, room, 42, sealPresence(key, room, 42, { deviceId: 'dev-2', deviceName: 'Ada’s laptop' }, intruder), members)).toBeUndefined();
    // A member's own state under another name than it signed: the name is signed too.
    const renamed = sealPresence(key, room, 42, { deviceId: me.deviceId, deviceName: 'Someone else' }, signer);
    expect(openPresence(key, room, 42, renamed, members)).toEqual({ deviceId: me.deviceId, deviceName: 'Someone else' });
    expect(openPresence(key, room, 42, renamed, () => undefined), 'a device that left the member list').toBeUndefined();
  });

  it('the presence key is neither the notebook key nor the same for two rooms', () => {
    const key = presenceKey(notebookKey, room);
    expect(Buffer.from(key).equals(Buffer.from(notebookKey))).toBe(false);
    expect(Buffer.from(key).equals(Buffer.from(presenceKey(notebookKey, deriveRoomId(notebookKey, 'nb-2'))))).toBe(false);
  });
});
