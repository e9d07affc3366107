import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sodiumReady } from '../../../crypto/index.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { addMember, foundMembers } from '../../../sync/share/members.ts';
import { removeMemberAndRotate } from '../../../sync/share/rotate-key.ts';
import { CLOSE_BAD_FRAME } from '../../../sync/server/relay/relay-limits.ts';
import { firstKey, keyringWith, memberKeys, newDevice, openReplica, syncBoxes } from '../share/share-harness.ts';
import { relayForSuite } from './relay-for-suite.ts';
import { startRelay, storeBeforeStart } from './room-socket.ts';
import { roomState, sendFrames, syncFrame, tempDataDir } from './relay-harness.ts';

/**
 * A box doc is only top-level maps (entries, snapshots, keys, revocations, epochs) of
 * binary values. Anything else is junk a client cannot use, and some of it is expensive:
 * Yjs keeps an object of a few hundred bytes per struct, so a frame of tiny Y.Text inserts
 * costs the relay ~25x its size in memory. The relay must refuse such a frame before it
 * applies it (4400), leaving the room as it was.
 */
// Tests one relay mechanism below the write capability, which write-capability.test.ts tests: every client here may write.
const relay = relayForSuite({ requireWriteCapability: false });
const BYTES = new Uint8Array([1, 2, 3]);

beforeAll(sodiumReady);

/** One update made by `edit` on a fresh doc (or on a copy of `base`, for edits of what is there). */
function updateOf(edit: (doc: Y.Doc) => void, base?: Y.Doc): Uint8Array {
  const doc = new Y.Doc();
  if (base) Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
  const before = Y.encodeStateVector(doc);
  edit(doc);
  return Y.encodeStateAsUpdate(doc, before);
}

const roots = (doc: Y.Doc) => [...doc.share.keys()].sort();
const vector = (doc: Y.Doc) => [...Y.decodeStateVector(Y.encodeStateVector(doc))].sort();

describe('relay: only box-shaped updates are applied', () => {
  it('refuses (4400) Y.Text, nested maps, array inserts, non-binary values and unknown root names, and keeps the room as it was', async () => {
    const room = 'schema-room-0123456789';
    const base = new Y.Doc();
    base.getMap('entries').set('dev.session/1', BYTES);
    base.getMap('snapshots').set('dev.session/2', BYTES);
    expect(await sendFrames(relay.relayUrl, room, [syncFrame(Y.encodeStateAsUpdate(base))])).toBe('kept open');

    const junk: [string, Uint8Array][] = [
      ['a Y.Text', updateOf((d) => d.getText('junk').insert(0, 'hello'))],
      ['a Y.Text named like a box map', updateOf((d) => d.getText('entries').insert(0, 'x'))],
      ['an array insert into a box map name', updateOf((d) => d.getArray('snapshots').insert(0, [BYTES]))],
      ['a nested map', updateOf((d) => d.getMap('entries').set('dev.session/3', new Y.Map([['x', BYTES]])))],
      ['a nested Y.Text', updateOf((d) => d.getMap('keys').set('k', new Y.Text('x')))],
      ['a string value', updateOf((d) => d.getMap('entries').set('dev.session/4', 'not bytes'))],
      ['a number value', updateOf((d) => d.getMap('revocations').set('r', 7))],
      ['a binary value in an unknown map', updateOf((d) => d.getMap('notes').set('n', BYTES))],
      ['an overwrite of a box key with a string', updateOf((d) => d.getMap('entries').set('dev.session/1', 'text'), base)],
      ['junk after a valid entry in one update', updateOf((d) => {
        d.getMap('entries').set('dev.session/5', BYTES);
        d.getText('t').insert(0, 'x');
      })],
    ];
    for (const [name, update] of junk) {
      expect({ name, outcome: await sendFrames(relay.relayUrl, room, [syncFrame(update)]) }).toEqual({ name, outcome: `closed ${CLOSE_BAD_FRAME}` });
    }
    const held = await roomState(relay.relayUrl, room);
    expect(roots(held)).toEqual(['entries', 'snapshots']);
    expect(vector(held)).toEqual(vector(base));
    expect(held.getMap('entries').get('dev.session/1')).toEqual(BYTES);
  });

  it('a frame of 100,000 one-character Y.Text structs is refused before it is applied (the memory blow-up)', async () => {
    const room = 'schema-text-0123456789';
    const update = updateOf((d) => d.transact(() => {
      // Each insert at the front is its own struct: Yjs merges only runs typed left to right.
      for (let i = 0; i < 100_000; i++) d.getText('t').insert(0, 'x');
    }));
    expect(Y.decodeUpdate(update).structs.length).toBe(100_000);
    expect(await sendFrames(relay.relayUrl, room, [syncFrame(update, 1)])).toBe(`closed ${CLOSE_BAD_FRAME}`);
    expect(roots(await roomState(relay.relayUrl, room))).toEqual([]);
  });

  it('accepts real boxes: a shared notebook after a rotation (entries, snapshots, keys, revocations), epochs, overwrites and deletes', async () => {
    const [alice, bob, carol] = [newDevice(), newDevice(), newDevice()];
    const k1 = firstKey();
    const open = (device: typeof alice) => openReplica({ id: 'nb-schema', device, keyring: keyringWith(k1), founder: alice.deviceId });
    const a = open(alice);
    foundMembers(a.plain, memberKeys(alice), alice.signing);
    addMember(a.plain, memberKeys(bob), 'member', alice.signing);
    addMember(a.plain, memberKeys(carol), 'member', alice.signing);
    const b = open(bob);
    createNote(a.plain, { title: 'from alice' });
    createNote(b.plain, { title: 'from bob' });
    for (const nb of [a, b]) nb.sealed.flush();
    syncBoxes(a, b);
    const rotated = removeMemberAndRotate(a, bob.deviceId);
    if (!rotated.ok) throw new Error(rotated.error.message);
    a.sealed.compact();
    createNote(a.plain, { title: 'after the rotation' });
    a.sealed.flush();
    expect(['keys', 'revocations', 'entries', 'snapshots'].map((name) => a.box.getMap(name).size > 0)).toEqual([true, true, true, true]);

    const room = 'schema-real-0123456789';
        expect(await sendFrames(relay.relayUrl, room, [syncFrame(Y.encodeStateAsUpdate(a.box), 1)])).toBe('kept open');
    const next = new Y.Doc();
    Y.applyUpdate(next, Y.encodeStateAsUpdate(a.box));
    const edits = [
      updateOf((d) => d.getMap('epochs').set('e1', BYTES), next),
      updateOf((d) => d.getMap('keys').set([...d.getMap('keys').keys()][0] as string, new Uint8Array([9])), next),
      updateOf((d) => d.getMap('entries').forEach((_v, key, map) => map.delete(key)), next),
    ];
    for (const edit of edits) {
      Y.applyUpdate(next, edit);
      expect(await sendFrames(relay.relayUrl, room, [syncFrame(edit)])).toBe('kept open');
    }
    const held = await roomState(relay.relayUrl, room);
    expect(vector(held)).toEqual(vector(next));
    expect(roots(held)).toEqual(['entries', 'epochs', 'keys', 'memberHeads', 'revocations', 'snapshots']);
    for (const nb of [a, b]) nb.sealed.destroy();
  });

  it('a value that follows junk a relay stored before this check (an array of bytes) is refused too', async () => {
    const data = tempDataDir();
    const room = 'schema-legacy-0123456789';
    const legacy = new Y.Doc();
    legacy.getArray('list').push([BYTES]);
    await storeBeforeStart(data.dir, room, Y.encodeStateAsUpdate(legacy));
    const old = await startRelay({ dataDir: data.dir, port: 0, requireWriteCapability: false });
    try {
      // Appended after the stored element: bytes, no right neighbour, placed by its origin only.
      const append = updateOf((d) => d.getArray('list').push([BYTES]), legacy);
      expect(Y.decodeUpdate(append).structs.map((s) => (s as Y.Item).origin !== null)).toEqual([true]);
      expect(await sendFrames(old.relayUrl, room, [syncFrame(append)])).toBe(`closed ${CLOSE_BAD_FRAME}`);
      expect((await roomState(old.relayUrl, room)).getArray('list').length).toBe(1);
    } finally {
      await old.close();
      data.remove();
    }
  });
});
