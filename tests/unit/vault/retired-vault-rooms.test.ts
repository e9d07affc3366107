import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bytesEqual, newKeyId, randomVaultKey, sodiumReady } from '../../../crypto/index.ts';
import { RetiredVaultRooms } from '../../../sync/vault/retired-vault-rooms.ts';

beforeAll(sodiumReady);

function roomBox(): Y.Doc {
  const box = new Y.Doc();
  box.getMap<Uint8Array>('keys').set('slot/key', new Uint8Array([1, 2, 3]));
  return box;
}

describe('the pending handovers record (retired-vault-rooms.ts)', () => {
  it('round-trips the old room (same room id, same box) and who is still waited for; settled recipients leave it, and an empty one is no record', () => {
    const vaultId = newKeyId();
    const rooms = new RetiredVaultRooms(vaultId);
    rooms.add(randomVaultKey(), roomBox(), ['tablet', 'reader']);
    const record = rooms.record();
    expect(record).toBeDefined();
    const back = RetiredVaultRooms.fromRecord(vaultId, record as Uint8Array);
    expect(back.pending()).toEqual(['reader', 'tablet']);
    expect(back.rooms()[0]?.secrets.roomId).toBe(rooms.rooms()[0]?.secrets.roomId);
    expect(bytesEqual(back.rooms()[0]?.box.getMap<Uint8Array>('keys').get('slot/key') ?? new Uint8Array(), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(back.settle((id) => id === 'tablet')).toBe(true);
    expect(back.pending()).toEqual(['reader']);
    expect(back.settle(() => false)).toBe(false);
    back.settle(() => true);
    expect(back.rooms()).toEqual([]);
    expect(back.record()).toBeUndefined();
    rooms.wipe();
    back.wipe();
  });

  it('a damaged or unknown record offers nothing (the person links the others again, as before)', () => {
    const vaultId = newKeyId();
    const rooms = new RetiredVaultRooms(vaultId);
    rooms.add(randomVaultKey(), roomBox(), ['tablet']);
    const record = rooms.record() as Uint8Array;
    for (const bad of [record.subarray(0, record.length - 1), Uint8Array.of(2, ...record.subarray(1)), new Uint8Array([1, 200]), new Uint8Array(0), Uint8Array.of(...record, 0)]) {
      expect(RetiredVaultRooms.fromRecord(vaultId, bad).pending()).toEqual([]);
    }
    rooms.wipe();
  });
});
