import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sealToPublicKey, sodiumReady, toBase64Url } from '../../../crypto/index.ts';
import { createDeviceLinkRequest, openDeviceLinkResponse, parseDeviceLinkRequest } from '../../../sync/share/device-link.ts';
import { openSharedNotebook } from '../../../sync/share/shared-notebook.ts';
import { addNotebook, registerDevice } from '../../../sync/vault-doc/vault-doc.ts';
import { approvedBy, newDevice } from '../../integration/share/share-harness.ts';

beforeAll(sodiumReady);

const ORIGIN = 'https://obscura.example';
const codeOf = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error?.code);

describe('sync error codes without a test of their own elsewhere', () => {
  it('E_DEVICE_LINK_FORMAT: no payload, a request of the wrong length, and a sealed secret that is not a device link secret', () => {
    const request = createDeviceLinkRequest(ORIGIN, newDevice().signing.publicKey);
    expect(codeOf(parseDeviceLinkRequest(`${ORIGIN}/#/link-device/`))).toBe('E_DEVICE_LINK_FORMAT');
    expect(codeOf(parseDeviceLinkRequest(`${ORIGIN}/#/join/Ag`))).toBe('E_DEVICE_LINK_FORMAT');
    expect(codeOf(parseDeviceLinkRequest(request.link.slice(0, -2)))).toBe('E_DEVICE_LINK_FORMAT');
    expect(codeOf(parseDeviceLinkRequest(request.link))).toBe('ok');
    // Sealed to the right device (so it opens) but its plaintext is no device link secret.
    const sealed = sealToPublicKey(request.keyPair.publicKey, new TextEncoder().encode('not a secret'));
    const response = `${ORIGIN}/#/linked/${toBase64Url(new Uint8Array([3, ...sealed]))}`;
    expect(codeOf(openDeviceLinkResponse(response, request))).toBe('E_DEVICE_LINK_FORMAT');
    expect(codeOf(openDeviceLinkResponse(response, createDeviceLinkRequest(ORIGIN, newDevice().signing.publicKey)))).toBe('E_DEVICE_LINK_WRONG_DEVICE');
  });

  it('E_NOT_SHARED: a notebook whose vault entry names no founder is refused before anything is opened', () => {
    const alice = newDevice();
    const vaultDoc = new Y.Doc();
    registerDevice(vaultDoc, alice.deviceId, alice.signing.publicKey, alice.box.publicKey);
    const id = addNotebook(vaultDoc, 'Trip');
    const box = new Y.Doc();
    const ownDevices = approvedBy(vaultDoc, alice);
    expect(codeOf(openSharedNotebook(id, vaultDoc, box, alice, { ownDevices }))).toBe('E_NOT_SHARED');
    expect(box.share.size).toBe(0);
    expect(codeOf(openSharedNotebook('no-such-notebook', vaultDoc, box, alice, { ownDevices }))).toBe('E_NOTEBOOK_UNKNOWN');
  });
});
