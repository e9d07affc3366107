import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createVault as createVaultHeader, generateBoxKeyPair, randomBytes, sodiumReady } from '../../../crypto/index.ts';
import { MemoryBoxPersistence } from '../../../sync/storage/memory-box-persistence.ts';
import { MemoryStorageAdapter } from '../../../sync/storage/memory-storage-adapter.ts';
import { Vault } from '../../../sync/vault/vault.ts';
import { deviceKeysFromSeeds } from '../../../sync/vault/vault-records.ts';
import { devicesMap, listNotebooks, notebookKeys } from '../../../sync/vault/vault-doc.ts';
import {
  checkCode,
  createDeviceLinkRequest,
  createDeviceLinkResponse,
  openDeviceLinkResponse,
  parseDeviceLinkRequest,
  requestFingerprint,
} from '../../../sync/share/device-link.ts';
import { openLinkedVaultDoc } from '../../../sync/share/linked-vault-doc.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';

const ORIGIN = 'https://obscura.example';
const FAST = { opslimit: 1, memlimit: 8 * 1024 * 1024 };
beforeAll(sodiumReady);

async function oldDevice() {
  const services = { storage: new MemoryStorageAdapter(), boxes: new MemoryBoxPersistence(), pwhash: FAST };
  const { header, vaultKey } = await createVaultHeader('pass', FAST);
  const vault = await Vault.open(services, header, vaultKey.slice() as typeof vaultKey, deviceKeysFromSeeds(randomBytes(64)));
  return { services, header, vaultKey, vault };
}

const codeOf = (result: { ok: boolean; error?: { code: string } }): string => (result.ok ? 'ok' : (result.error?.code ?? '?'));

describe('device links', () => {
  it('round trip: the new device opens the sealed vault key, unlocks the vault doc and sees every notebook', async () => {
    const old = await oldDevice();
    const notebookId = old.vault.createNotebook('Holiday');
    await old.vault.flush();

    const request = createDeviceLinkRequest(ORIGIN);
    const boxPk = parseDeviceLinkRequest(request.link);
    if (!boxPk.ok) throw new Error(boxPk.error.message);
    const response = createDeviceLinkResponse(ORIGIN, boxPk.value, old.vaultKey, old.header.vaultId);
    expect(response.startsWith(`${ORIGIN}/#/linked/`)).toBe(true);
    const opened = openDeviceLinkResponse(response, request.keyPair);
    if (!opened.ok) throw new Error(opened.error.message);
    expect(opened.value.vaultId).toBe(old.header.vaultId);
    expect(checkCode(opened.value.vaultKey, request.keyPair.publicKey)).toBe(checkCode(old.vaultKey, boxPk.value));
    expect(requestFingerprint(boxPk.value)).toMatch(/^\d{4} \d{4} \d{4}$/);
    expect(requestFingerprint(boxPk.value)).toBe(requestFingerprint(request.keyPair.publicKey));
    expect(requestFingerprint(generateBoxKeyPair().publicKey)).not.toBe(requestFingerprint(boxPk.value));

    const box = new Y.Doc();
    Y.applyUpdate(box, old.services.boxes.stored.get(`obscura-vault-${old.header.vaultId}`) as Uint8Array);
    const device = deviceKeysFromSeeds(randomBytes(64));
    const linked = openLinkedVaultDoc(opened.value.vaultKey, opened.value.vaultId, box, device);
    expect(linked.sealed.quarantine.size).toBe(0);
    expect(listNotebooks(linked.doc).map((nb) => nb.name)).toEqual(['Holiday']);
    expect(notebookKeys(linked.doc, notebookId)?.keys.size).toBe(1);
    expect(devicesMap(linked.doc).size).toBe(2);
    await old.vault.lock();
  });

  it('E_DEVICE_LINK_WRONG_DEVICE: a response sealed for one device does not open on another', async () => {
    const old = await oldDevice();
    const first = createDeviceLinkRequest(ORIGIN);
    const response = createDeviceLinkResponse(ORIGIN, first.keyPair.publicKey, old.vaultKey, old.header.vaultId);
    expect(codeOf(openDeviceLinkResponse(response, generateBoxKeyPair()))).toBe('E_DEVICE_LINK_WRONG_DEVICE');
    expect(codeOf(openDeviceLinkResponse(response, first.keyPair))).toBe('ok');
    await old.vault.lock();
  });

  it('E_DEVICE_LINK_EXPIRED, E_DEVICE_LINK_VERSION and garbage: refused with a code, never thrown', async () => {
    const seed = testSeed();
    console.log(`device-link garbage seed=${seed} (replay with OBSCURA_SEED=${seed})`);
    const random = seededRandom(seed);
    const old = await oldDevice();
    const request = createDeviceLinkRequest(ORIGIN);
    const response = createDeviceLinkResponse(ORIGIN, request.keyPair.publicKey, old.vaultKey, old.header.vaultId, 1000, 60_000);
    expect(codeOf(openDeviceLinkResponse(response, request.keyPair, 60_999))).toBe('ok');
    expect(codeOf(openDeviceLinkResponse(response, request.keyPair, 61_000))).toBe('E_DEVICE_LINK_EXPIRED');
    expect(codeOf(parseDeviceLinkRequest(request.link.replace('/#/link-device/A', '/#/link-device/C')))).toBe('E_DEVICE_LINK_VERSION');
    for (const sample of [undefined, 7, '', request.link.slice(0, -2), `${ORIGIN}/#/linked/AQ`, `${ORIGIN}/#/linked/***`]) {
      expect(codeOf(parseDeviceLinkRequest(sample))).toMatch(/^E_DEVICE_LINK_/);
      expect(codeOf(openDeviceLinkResponse(sample, request.keyPair))).toMatch(/^E_DEVICE_LINK_/);
    }
    const payloadAt = response.indexOf('#/linked/') + '#/linked/'.length;
    for (let n = 0; n < 50; n++) {
      const i = payloadAt + Math.floor(random() * (response.length - payloadAt));
      const changed = response.slice(0, i) + (response[i] === 'A' ? 'B' : 'A') + response.slice(i + 1);
      expect(codeOf(openDeviceLinkResponse(changed, request.keyPair))).toMatch(/^E_DEVICE_LINK_(FORMAT|VERSION|WRONG_DEVICE)$/);
    }
    await old.vault.lock();
  });
});
