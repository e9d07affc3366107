import { beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { createNote, readNotes, setNoteText } from '../../../sync/notebook/notes.ts';
import { addMember, foundMembers } from '../../../sync/share/members.ts';
import type { SharedNotebook } from '../../../sync/share/rotate-key.ts';
import { firstKey, keyringWith, memberKeys, newDevice, openReplica, syncBoxes } from '../share/share-harness.ts';

beforeAll(sodiumReady);

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Real time at the start of each story; each device reads it through its own clock. */
const T = Date.UTC(2026, 11, 7, 5, 0, 0);

/**
 * Two replicas of one sealed notebook (real sealing, signatures and member trust), synced
 * by exchanging boxes. `honest` reads the real time; `ahead`'s clock is two days fast, as a
 * phone set to the wrong date. Each write passes the writer's clock as `now`.
 */
function twoReplicas() {
  const [laptop, phone] = [newDevice(), newDevice()];
  const key = firstKey();
  const honest = openReplica({ id: 'nb-clock', device: laptop, keyring: keyringWith(key), founder: laptop.deviceId });
  foundMembers(honest.plain, memberKeys(laptop), laptop.signing);
  addMember(honest.plain, memberKeys(phone), 'member', laptop.signing);
  honest.sealed.flush();
  const ahead = openReplica({ id: 'nb-clock', device: phone, keyring: keyringWith(key), founder: laptop.deviceId });
  syncBoxes(honest, ahead);
  const sync = () => {
    honest.sealed.flush();
    ahead.sealed.flush();
    syncBoxes(honest, ahead);
  };
  return { honest, ahead, sync };
}

const order = (nb: SharedNotebook): string[] => readNotes(nb.plain).map((note) => note.title);

describe('note order under a clock two days ahead (issue 18 §5)', () => {
  it('a note written after the skewed one, on the honest device, comes first on both devices', () => {
    const { honest, ahead, sync } = twoReplicas();
    createNote(honest.plain, { title: 'yesterday' }, T - DAY);
    createNote(ahead.plain, { title: 'from the phone' }, T + 2 * DAY);
    sync();
    createNote(honest.plain, { title: 'newer' }, T + MINUTE);
    sync();
    expect(order(honest)).toEqual(['newer', 'from the phone', 'yesterday']);
    expect(order(ahead)).toEqual(['newer', 'from the phone', 'yesterday']);
  });

  it('an edit on the honest device after the skewed note lifts the edited note above it on both devices', () => {
    const { honest, ahead, sync } = twoReplicas();
    const old = createNote(honest.plain, { title: 'old' }, T - DAY);
    createNote(ahead.plain, { title: 'from the phone' }, T + 2 * DAY);
    sync();
    setNoteText(honest.plain, old, 'body', 'edited now', T + MINUTE);
    sync();
    expect(order(honest)).toEqual(['old', 'from the phone']);
    expect(order(ahead)).toEqual(['old', 'from the phone']);
  });

  it('the skewed device cannot pin its notes: each later honest write goes above its newest one', () => {
    const { honest, ahead, sync } = twoReplicas();
    for (let i = 0; i < 3; i++) {
      createNote(ahead.plain, { title: `phone ${i}` }, T + 2 * DAY + i * 2 * MINUTE);
      sync();
      createNote(honest.plain, { title: `laptop ${i}` }, T + i * 2 * MINUTE + MINUTE);
      sync();
    }
    const expected = ['laptop 2', 'phone 2', 'laptop 1', 'phone 1', 'laptop 0', 'phone 0'];
    expect(order(honest)).toEqual(expected);
    expect(order(ahead)).toEqual(expected);
  });
});
