import { beforeAll, describe, expect, it } from 'vitest';
import { randomVaultKey, sodiumReady } from '../../../crypto/index.ts';
import {
  decideHandover,
  deviceFingerprint,
  decodeKeptDevices,
  describeRemovals,
  encodeKeptDevices,
  keepDevice,
  NO_CHOICE,
  type HandoverView,
  type KeptDevices,
} from '../../../sync/vault/handover-choice.ts';
import type { OfferedHandover } from '../../../sync/vault/vault-key-handover.ts';

beforeAll(sodiumReady);

const NAMES: Record<string, string> = { laptop: 'Laptop', phone: 'Phone', tablet: 'Tablet' };

/** How the question names a device: name (code). */
const at = (id: string): string => `${NAMES[id]} (${deviceFingerprint(id)})`;

function offer(signerId: string, key = randomVaultKey()): OfferedHandover {
  return { signerId, signerPublicKey: new Uint8Array(32), key };
}

/** `revocations`: revoked device -> the device that signed its revocation, as this device applied them. */
function view(revocations: Record<string, string>, choice: KeptDevices = NO_CHOICE, shared: readonly string[] = []): HandoverView {
  return {
    revokedBy: (id) => revocations[id],
    revokedByIt: (signer) => Object.keys(revocations).filter((id) => revocations[id] === signer),
    name: (id) => NAMES[id],
    nameShared: (id) => shared.includes(id),
    choice,
  };
}

describe('which device to keep (handover-choice.ts)', () => {
  it('the common case: the laptop removed the phone; the tablet asks once, and follows the laptop once the person keeps it', () => {
    const fromLaptop = offer('laptop');
    const asked = decideHandover([fromLaptop], view({ phone: 'laptop' }));
    expect(asked.kind).toBe('ask');
    if (asked.kind !== 'ask') return;
    expect(describeRemovals(asked.choice)).toEqual([`${at('laptop')} removed ${at('phone')} from your vault`]);
    const kept = keepDevice(NO_CHOICE, 'laptop', [fromLaptop]);
    expect(decideHandover([fromLaptop], view({ phone: 'laptop' }, kept))).toMatchObject({ kind: 'follow', handover: { signerId: 'laptop' } });
  });

  it('the removed phone\'s handover, signed after the tablet saw the laptop remove it, is refused without asking; before that, it is asked about and never followed', () => {
    const fromPhone = offer('phone');
    expect(decideHandover([fromPhone], view({ phone: 'laptop' })).kind).toBe('none');
    // F3: the laptop's revocation has not arrived; the phone's removal of the laptop has.
    const asked = decideHandover([fromPhone], view({ laptop: 'phone' }));
    expect(asked.kind === 'ask' && describeRemovals(asked.choice)).toEqual([`${at('phone')} removed ${at('laptop')} from your vault`]);
    // The person keeps the laptop: the phone's handover is refused from now on, and the
    // laptop's, when it arrives, is followed (the revocation of the laptop is the phone's).
    const kept = keepDevice(NO_CHOICE, 'laptop', [fromPhone]);
    expect(decideHandover([fromPhone], view({ laptop: 'phone' }, kept)).kind).toBe('none');
    expect(decideHandover([fromPhone, offer('laptop')], view({ laptop: 'phone' }, kept))).toMatchObject({ kind: 'follow', handover: { signerId: 'laptop' } });
  });

  it('two devices that removed each other (F2): both are asked about, never one picked, and a kept device offering two keys is asked about again', () => {
    const both = [offer('laptop'), offer('phone')];
    const asked = decideHandover(both, view({ phone: 'laptop', laptop: 'phone' }));
    expect(asked.kind === 'ask' && describeRemovals(asked.choice).sort()).toEqual([`${at('laptop')} removed ${at('phone')} from your vault`, `${at('phone')} removed ${at('laptop')} from your vault`]);
    const kept = keepDevice(NO_CHOICE, 'phone', both);
    expect(decideHandover(both, view({ phone: 'laptop', laptop: 'phone' }, kept))).toMatchObject({ kind: 'follow', handover: { signerId: 'phone' } });
    expect(decideHandover([offer('phone'), offer('phone')], view({}, keepDevice(NO_CHOICE, 'phone', []))).kind).toBe('ask');
    // A third device's handover after the choice: asked about, not followed beside the kept one.
    expect(decideHandover([...both, offer('tablet')], view({}, kept)).kind).toBe('ask');
  });

  it('the answer is stored as a device record naming the vault key it was given under and read back under that key only; bytes that are not one read as no answer (asked again)', () => {
    const kept = keepDevice(NO_CHOICE, 'laptop', [offer('phone'), offer('laptop')]);
    const read = decodeKeptDevices(encodeKeptDevices(kept, 'key-1'), 'key-1');
    expect([...read.kept]).toEqual(['laptop']);
    expect([...read.refused]).toEqual(['phone']);
    // Given under another vault key (before a handover was followed): no answer for this one.
    expect(decodeKeptDevices(encodeKeptDevices(kept, 'key-1'), 'key-2')).toBe(NO_CHOICE);
    const junks = [new Uint8Array(), Uint8Array.of(2, 0, 0), Uint8Array.of(1, 1, 1, 0x2f, 0), Uint8Array.of(1, 0, 0, 7), Uint8Array.of(1, 1, 1, 0x61, 0)];
    for (const junk of junks) expect(decodeKeptDevices(junk, 'key-1')).toBe(NO_CHOICE);
  });

  it('the question gives each device its code, and says when two devices the vault doc lists share a name (review-keep 1: the thief\'s own device named like the laptop)', () => {
    expect(deviceFingerprint('0123456789abcdef0123456789abcdef')).toBe('0123-4567-89AB');
    const asked = decideHandover([offer('laptop')], view({ phone: 'laptop' }, NO_CHOICE, ['laptop']));
    expect(asked.kind === 'ask' && asked.choice.removals[0]?.by).toMatchObject({ deviceId: 'laptop', fingerprint: deviceFingerprint('laptop'), nameShared: true });
    expect(asked.kind === 'ask' && describeRemovals(asked.choice)).toEqual([
      `${at('laptop')} removed ${at('phone')} from your vault`,
      'Two of your devices are named Laptop: keep only the one whose code matches the code its Sync panel shows',
    ]);
  });
});
