import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bytesEqual, newKeyId, randomVaultKey, sodiumReady, type VaultKey } from '../../../crypto/index.ts';
import { vaultKeyId, vaultSealedMeta } from '../../../sync/vault/vault-doc-sealing.ts';
import { guardHandovers, handedOverKey, vaultKeysMap, writeHandover, type HandoverPlace } from '../../../sync/vault/vault-key-handover.ts';
import { newDevice, syncBoxes, type TestDevice } from './share-harness.ts';

beforeAll(sodiumReady);

const recipient = (d: TestDevice) => ({ signingPublicKey: d.signing.publicKey, boxPublicKey: d.box.publicKey });
const self = (d: TestDevice) => ({ signing: d.signing.publicKey, box: d.box });

function place(oldKey: VaultKey, vaultId: string, box = new Y.Doc()): HandoverPlace {
  return { box, vaultId, meta: vaultSealedMeta(oldKey, vaultId) };
}

describe('vault-key handovers (removing one device, vault-key-handover.ts)', () => {
  it('the recipient opens the new key from a trusted signer; nobody else does, and a signer the recipient does not trust hands over nothing', () => {
    const [laptop, tablet, phone] = [newDevice(), newDevice(), newDevice()];
    const vaultId = newKeyId();
    const oldKey = randomVaultKey();
    const next = randomVaultKey();
    const at = place(oldKey, vaultId);
    writeHandover(at, vaultKeyId(next, vaultId), next, recipient(tablet), laptop.signing);

    const fromLaptop = (id: string): boolean => id === laptop.deviceId;
    const opened = handedOverKey(at, self(tablet), fromLaptop, oldKey);
    expect(opened && bytesEqual(opened.key, next)).toBe(true);
    expect(opened && bytesEqual(opened.signerPublicKey, laptop.signing.publicKey)).toBe(true);
    // The removed phone holds the old vault key, so it reads the map: nothing in it is for it.
    expect(handedOverKey(at, self(phone), () => true, oldKey)).toBeUndefined();
    // The laptop not trusted (revoked, or never approved): nothing.
    expect(handedOverKey(at, self(tablet), () => false, oldKey)).toBeUndefined();
    // Another vault (another vault id, so another meta key and signature domain): nothing.
    expect(handedOverKey(place(oldKey, newKeyId(), at.box), self(tablet), fromLaptop, oldKey)).toBeUndefined();
  });

  it('the removed phone plants a key of its own for the tablet: refused (its signer is not trusted), and with a trusted one beside it, two keys give none', () => {
    const [laptop, tablet, phone] = [newDevice(), newDevice(), newDevice()];
    const vaultId = newKeyId();
    const oldKey = randomVaultKey();
    const at = place(oldKey, vaultId);
    const planted = randomVaultKey();
    writeHandover(at, vaultKeyId(planted, vaultId), planted, recipient(tablet), phone.signing);
    const trusted = (id: string): boolean => id === laptop.deviceId;
    expect(handedOverKey(at, self(tablet), trusted, oldKey)).toBeUndefined();

    // Two trusted devices removing each other at once: the tablet picks no side.
    const next = randomVaultKey();
    writeHandover(at, vaultKeyId(next, vaultId), next, recipient(tablet), laptop.signing);
    expect(handedOverKey(at, self(tablet), (id) => id !== tablet.deviceId, oldKey)).toBeUndefined();
    expect(handedOverKey(at, self(tablet), trusted, oldKey)).toBeDefined();
  });

  it('a handover of the key the recipient already holds is refused, and does not hide a real one beside it', () => {
    // A following device moves everything from the old key to the new one and deletes what was
    // under the old: "following" the current key would delete the live data (review of the
    // handover branch, F1), at every unlock, as the handover stays in the room.
    const [laptop, tablet, phone] = [newDevice(), newDevice(), newDevice()];
    const vaultId = newKeyId();
    const current = randomVaultKey();
    const at = place(current, vaultId);
    writeHandover(at, vaultKeyId(current, vaultId), current, recipient(tablet), phone.signing);
    const trusted = (id: string): boolean => id !== tablet.deviceId;
    expect(handedOverKey(at, self(tablet), trusted, current)).toBeUndefined();

    const next = randomVaultKey();
    writeHandover(at, vaultKeyId(next, vaultId), next, recipient(tablet), laptop.signing);
    const opened = handedOverKey(at, self(tablet), trusted, current);
    expect(opened && bytesEqual(opened.key, next)).toBe(true);
  });

  it('a peer that deletes or overwrites a handover gets it put back (append-only)', () => {
    const [laptop, tablet] = [newDevice(), newDevice()];
    const vaultId = newKeyId();
    const oldKey = randomVaultKey();
    const next = randomVaultKey();
    const onTablet = place(oldKey, vaultId);
    const stop = guardHandovers(onTablet);
    const onPhone = place(oldKey, vaultId);
    writeHandover(onPhone, vaultKeyId(next, vaultId), next, recipient(tablet), laptop.signing);
    syncBoxes({ box: onPhone.box }, { box: onTablet.box });
    const [mapKey] = [...vaultKeysMap(onTablet.box).keys()];
    vaultKeysMap(onPhone.box).delete(mapKey as string);
    syncBoxes({ box: onPhone.box }, { box: onTablet.box });
    expect(handedOverKey(onTablet, self(tablet), (id) => id === laptop.deviceId, oldKey)).toBeDefined();
    stop();
  });
});
