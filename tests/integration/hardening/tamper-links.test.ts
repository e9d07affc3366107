import { beforeAll, describe, expect, it } from 'vitest';
import { asNotebookKey, asVaultKey, fromBase64Url, generateSigningKeyPair, randomBytes, sodiumReady, toBase64Url } from '../../../crypto/index.ts';
import { notebookRoomFromKey } from '../../../sync/transport/derive-room-id.ts';
import {
  checkCode,
  createDeviceLinkRequest,
  createDeviceLinkResponse,
  LINK_REQUEST_PATH,
  LINK_RESPONSE_PATH,
  openDeviceLinkResponse,
  parseDeviceLinkRequest,
  requestFingerprint,
} from '../../../sync/share/device-link.ts';
import { createInviteLink, INVITE_PATH, parseInviteLink, type Invite } from '../../../sync/share/invite-link.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';
import { everyFlip, everyTruncation, extensions, TamperTally } from '../../helpers/tamper-cases.ts';
import { firstKey } from '../share/share-harness.ts';

/**
 * Invite links and device links, every payload byte flipped, every truncation, extensions
 * and splices between two links. Invites are signed, so each is refused with its code.
 * A device link request is not signed and a response is an anonymous sealed box, so two
 * swaps open by design; those are caught by the numbers both screens show
 * (requestFingerprint, checkCode; sync/PROTOCOL.md "Device link"), and counted so here.
 */
beforeAll(sodiumReady);

const NOW = 1_800_000_000_000;
const ORIGIN = 'https://obscura.example';

function invite(name: string): string {
  const { key } = firstKey();
  const notebookId = toBase64Url(randomBytes(16));
  const fields: Omit<Invite, 'inviterSigningPublicKey'> = {
    notebookId,
    notebookName: name,
    founderSigningPublicKey: generateSigningKeyPair().publicKey,
    strictMembers: true,
    room: notebookRoomFromKey(asNotebookKey(key), notebookId),
    oneTimeSeed: randomBytes(32),
    expiresAt: NOW + 3600_000,
    signalingUrls: ['wss://signal.example/ws'],
    relayUrls: ['wss://relay.example'],
  };
  return createInviteLink(ORIGIN, fields, generateSigningKeyPair());
}

function payloadOf(link: string, path: string): Uint8Array {
  const bytes = fromBase64Url(link.slice(link.indexOf(path) + path.length));
  if (!bytes.ok) throw new Error('fixture link is not base64url');
  return bytes.value;
}

const withPayload = (link: string, path: string, payload: Uint8Array) => link.slice(0, link.indexOf(path) + path.length) + toBase64Url(payload);
const codeOf = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : (r.error?.code ?? 'no code'));

describe('tamper: links', () => {
  it('invite links: every flip, truncation, extension and splice is refused with its code', () => {
    const seed = testSeed();
    console.log(`tamper-links invite seed=${seed} (replay with OBSCURA_SEED=${seed})`);
    const random = seededRandom(seed);
    const link = invite('Garden plans');
    const payload = payloadOf(link, INVITE_PATH);
    const tally = new TamperTally('tamper-invite');
    const parse = (bytes: Uint8Array, now = NOW) => codeOf(parseInviteLink(withPayload(link, INVITE_PATH, bytes), now));
    expect(parse(payload)).toBe('ok');

    // A version byte flipped to 2 reads as a v2 link, whose signature (another domain) fails.
    for (const c of everyFlip(payload, random)) tally.record(c.name, parse(c.bytes), c.at === 0 && c.bytes[0] !== 2 ? 'E_INVITE_VERSION' : 'E_INVITE_TAMPERED');
    for (const c of everyTruncation(payload)) {
      tally.record(c.name, parse(c.bytes), c.bytes.length < 1 + 32 + 64 ? 'E_INVITE_FORMAT' : 'E_INVITE_TAMPERED');
    }
    for (const c of extensions(payload, random)) tally.record(c.name, parse(c.bytes), 'E_INVITE_TAMPERED');

    // Splices with another notebook's invite: its signature, its inviter key, its body.
    const other = payloadOf(invite('Other notebook'), INVITE_PATH);
    const splice = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
    const sig = (p: Uint8Array) => p.subarray(p.length - 64);
    const body = (p: Uint8Array) => p.subarray(33, p.length - 64);
    const splices: [string, Uint8Array][] = [
      ['another invite\'s signature', splice([payload.subarray(0, payload.length - 64), sig(other)])],
      ['another inviter\'s key', splice([payload.subarray(0, 1), other.subarray(1, 33), body(payload), sig(payload)])],
      ['another notebook\'s body', splice([payload.subarray(0, 33), body(other), sig(payload)])],
      ['another notebook\'s body and signature', splice([payload.subarray(0, 33), body(other), sig(other)])],
    ];
    for (const [name, bytes] of splices) tally.record(name, parse(bytes), 'E_INVITE_TAMPERED');
    tally.record('past its expiry', parse(payload, NOW + 3600_000), 'E_INVITE_EXPIRED');

    console.log(tally.summary());
    expect(tally.acceptedWrongly, tally.wrong.join('\n')).toBe(0);
    expect(tally.mismatched).toEqual([]);
  });

  it('device links: responses refused with their code; swapped requests and responses caught by the numbers shown', () => {
    const seed = testSeed();
    console.log(`tamper-links device seed=${seed} (replay with OBSCURA_SEED=${seed})`);
    const random = seededRandom(seed);
    const vaultKey = asVaultKey(randomBytes(32));
    const request = createDeviceLinkRequest(ORIGIN, randomBytes(32), NOW);
    const parsedRequest = parseDeviceLinkRequest(request.link, NOW);
    if (!parsedRequest.ok) throw new Error(parsedRequest.error.message);
    const response = createDeviceLinkResponse(ORIGIN, parsedRequest.value, vaultKey, 'vault-1', randomBytes(32));
    const tally = new TamperTally('tamper-device-link');
    const requestPayload = payloadOf(request.link, LINK_REQUEST_PATH);
    const responsePayload = payloadOf(response, LINK_RESPONSE_PATH);
    const realFingerprint = requestFingerprint(request);

    // Request: nothing signs it (there is nothing to sign it with yet). A changed byte is
    // refused by the old device (version, lifetime, clock) or parses, and then the
    // fingerprint both screens show differs: it covers every byte, the times too.
    const parseRequest = (bytes: Uint8Array): string => {
      const parsed = parseDeviceLinkRequest(withPayload(request.link, LINK_REQUEST_PATH, bytes), NOW);
      if (!parsed.ok) return parsed.error.code;
      return requestFingerprint(parsed.value) === realFingerprint ? 'ok' : 'FINGERPRINT_DIFFERS';
    };
    const timeRefusals = new Set(['E_DEVICE_LINK_FORMAT', 'E_DEVICE_LINK_EXPIRED', 'E_DEVICE_LINK_CLOCK_SKEW', 'FINGERPRINT_DIFFERS']);
    for (const c of everyFlip(requestPayload, random)) {
      const at = c.at ?? 0;
      tally.record(`request ${c.name}`, parseRequest(c.bytes), at === 0 ? 'E_DEVICE_LINK_VERSION' : at < 17 ? (code) => timeRefusals.has(code) : 'FINGERPRINT_DIFFERS');
    }
    for (const c of everyTruncation(requestPayload)) tally.record(`request ${c.name}`, parseRequest(c.bytes), 'E_DEVICE_LINK_FORMAT');
    for (const c of extensions(requestPayload, random)) tally.record(`request ${c.name}`, parseRequest(c.bytes), 'E_DEVICE_LINK_FORMAT');
    tally.record('request swapped for another device\'s', parseRequest(payloadOf(createDeviceLinkRequest(ORIGIN, randomBytes(32), NOW).link, LINK_REQUEST_PATH)), 'FINGERPRINT_DIFFERS');
    tally.record('request past its expiry', codeOf(parseDeviceLinkRequest(request.link, NOW + 10 * 60_000)), 'E_DEVICE_LINK_EXPIRED');
    tally.record('request from a clock 30 minutes ahead', codeOf(parseDeviceLinkRequest(request.link, NOW - 30 * 60_000)), 'E_DEVICE_LINK_CLOCK_SKEW');

    const openResponse = (bytes: Uint8Array) => codeOf(openDeviceLinkResponse(withPayload(response, LINK_RESPONSE_PATH, bytes), request, NOW));
    expect(openResponse(responsePayload)).toBe('ok');
    for (const c of everyFlip(responsePayload, random)) {
      tally.record(`response ${c.name}`, openResponse(c.bytes), c.at === 0 ? 'E_DEVICE_LINK_VERSION' : 'E_DEVICE_LINK_WRONG_DEVICE');
    }
    for (const c of everyTruncation(responsePayload)) {
      tally.record(`response ${c.name}`, openResponse(c.bytes), c.bytes.length === 0 ? 'E_DEVICE_LINK_FORMAT' : 'E_DEVICE_LINK_WRONG_DEVICE');
    }
    for (const c of extensions(responsePayload, random)) tally.record(`response ${c.name}`, openResponse(c.bytes), 'E_DEVICE_LINK_WRONG_DEVICE');
    const forOther = createDeviceLinkResponse(ORIGIN, createDeviceLinkRequest(ORIGIN, randomBytes(32), NOW), vaultKey, 'vault-1', randomBytes(32));
    tally.record('response sealed for another device', openResponse(payloadOf(forOther, LINK_RESPONSE_PATH)), 'E_DEVICE_LINK_WRONG_DEVICE');
    tally.record('response after the request expired', codeOf(openDeviceLinkResponse(response, request, NOW + 10 * 60_000)), 'E_DEVICE_LINK_EXPIRED');

    // A response from someone else's vault, sealed to our request: a sealed box does not
    // name its sender, so it opens; the check code both devices show differs.
    const foreignKey = asVaultKey(randomBytes(32));
    const foreign = openDeviceLinkResponse(createDeviceLinkResponse(ORIGIN, parsedRequest.value, foreignKey, 'vault-x', randomBytes(32)), request, NOW);
    const shown = foreign.ok ? checkCode(foreign.value.vaultKey, request.keyPair.publicKey) : 'not opened';
    tally.record('response from another vault', shown === checkCode(vaultKey, request.keyPair.publicKey) ? 'ok' : 'CHECK_CODE_DIFFERS', 'CHECK_CODE_DIFFERS');

    console.log(tally.summary());
    expect(tally.acceptedWrongly, tally.wrong.join('\n')).toBe(0);
    expect(tally.mismatched).toEqual([]);
  });
});
