import { beforeAll, describe, expect, it } from 'vitest';
import { asNotebookKey, concatBytes, fromBase64Url, generateSigningKeyPair, lengthPrefixed, randomBytes, sign, sodiumReady, toBase64Url, utf8 } from '../../../crypto/index.ts';
import { notebookRoomFromKey } from '../../../sync/transport/derive-room-id.ts';
import { deviceIdFor } from '../../../sync/sealed/writer.ts';
import { INVITE_PATH, createInviteLink, parseInviteLink, type Invite } from '../../../sync/share/invite-link.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';
import { firstKey } from './share-harness.ts';

const NOW = 1_800_000_000_000;
const ORIGIN = 'https://obscura.example';
beforeAll(sodiumReady);

function fixture() {
  const inviter = generateSigningKeyPair();
  const { key } = firstKey();
  const notebookId = toBase64Url(randomBytes(16));
  const fields: Omit<Invite, 'inviterSigningPublicKey'> = {
    notebookId,
    notebookName: 'Garden 🌱 plans',
    founderSigningPublicKey: generateSigningKeyPair().publicKey,
    strictMembers: true,
    room: notebookRoomFromKey(asNotebookKey(key), notebookId),
    oneTimeSeed: randomBytes(32),
    expiresAt: NOW + 3600_000,
    signalingUrls: ['wss://signal.example/ws'],
    relayUrls: ['wss://relay.example', 'https://relay.example/blobs'],
  };
  return { inviter, fields, link: createInviteLink(ORIGIN, fields, inviter) };
}

function withPayload(link: string, payload: Uint8Array): string {
  return link.slice(0, link.indexOf(INVITE_PATH) + INVITE_PATH.length) + toBase64Url(payload);
}

function payloadOf(link: string): Uint8Array {
  const bytes = fromBase64Url(link.slice(link.indexOf(INVITE_PATH) + INVITE_PATH.length));
  if (!bytes.ok) throw new Error('fixture link is not base64url');
  return bytes.value;
}

const codeOf = (url: unknown, now = NOW): string => {
  const parsed = parseInviteLink(url, now);
  return parsed.ok ? 'ok' : parsed.error.code;
};

describe('invite links', () => {
  it('round trip: every field comes back, the inviter id is derived from its signing key', () => {
    const { inviter, fields, link } = fixture();
    expect(link.startsWith(`${ORIGIN}/#/join/`)).toBe(true);
    const parsed = parseInviteLink(link, NOW);
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.value).toEqual({
      ...fields,
      inviterSigningPublicKey: inviter.publicKey,
      inviterDeviceId: deviceIdFor(inviter.publicKey),
      founderDeviceId: deviceIdFor(fields.founderSigningPublicKey),
    });
  });

  it('E_INVITE_VERSION: a v1 link (which carried the notebook key) is refused with a message that says to ask for a new one', () => {
    const { link } = fixture();
    const v1 = payloadOf(link);
    v1[0] = 1;
    const parsed = parseInviteLink(withPayload(link, v1), NOW);
    expect(parsed.ok ? 'ok' : [parsed.error.code, parsed.error.message]).toEqual(['E_INVITE_VERSION', 'this link was made by an older version of the app; ask for a new one']);
  });

  it('E_INVITE_TAMPERED / E_INVITE_VERSION: every single-byte flip of the payload is rejected with its code', () => {
    const { link } = fixture();
    const payload = payloadOf(link);
    for (let i = 0; i < payload.length; i++) {
      const flipped = payload.slice();
      flipped[i] = (flipped[i] as number) ^ 0x01;
      // The version byte flipped to 2 reads as a v2 link, whose signature (another domain) fails.
      expect([i, codeOf(withPayload(link, flipped))]).toEqual([i, i === 0 && flipped[0] !== 2 ? 'E_INVITE_VERSION' : 'E_INVITE_TAMPERED']);
    }
    expect(codeOf(withPayload(link, payload.subarray(0, payload.length - 1)))).toBe('E_INVITE_TAMPERED');
    expect(codeOf(withPayload(link, new Uint8Array([...payload, 0])))).toBe('E_INVITE_TAMPERED');
  });

  it('E_INVITE_EXPIRED: a link past its expiry is refused, one millisecond before it is not', () => {
    const { fields, link } = fixture();
    expect(codeOf(link, fields.expiresAt - 1)).toBe('ok');
    expect(codeOf(link, fields.expiresAt)).toBe('E_INVITE_EXPIRED');
  });

  it('E_INVITE_FORMAT: a correctly signed invite with a non-ws relay URL or a bad notebook id is refused', () => {
    const { inviter, fields } = fixture();
    expect(codeOf(createInviteLink(ORIGIN, { ...fields, relayUrls: ['http://relay.example'] }, inviter))).toBe('E_INVITE_FORMAT');
    expect(codeOf(createInviteLink(ORIGIN, { ...fields, notebookId: 'a/b' }, inviter))).toBe('E_INVITE_FORMAT');
  });

  it('garbage never throws and gets a stable code', () => {
    const seed = testSeed();
    console.log(`invite garbage seed=${seed} (replay with OBSCURA_SEED=${seed})`);
    const random = seededRandom(seed);
    const { link } = fixture();
    const samples: unknown[] = [undefined, null, 42, {}, '', 'https://x/#/join/', 'https://x/#/join/!!!', 'https://x/#/join/AAA', link.replace('#/join/', '#/jion/'), 'x'.repeat(10_000)];
    for (let n = 0; n < 200; n++) {
      const bytes = new Uint8Array(Math.floor(random() * 300)).map(() => Math.floor(random() * 256));
      if (bytes.length > 0 && random() < 0.5) bytes[0] = 1;
      samples.push(withPayload(link, bytes));
    }
    for (const sample of samples) {
      expect(['E_INVITE_FORMAT', 'E_INVITE_VERSION', 'E_INVITE_TAMPERED']).toContain(codeOf(sample));
    }
  });

  it('a v2 link (no flags byte, made before invites said a notebook is strict) still parses, as not strict; a v3 link carries strictness, and unknown flags are E_INVITE_FORMAT', () => {
    const { inviter, fields, link } = fixture();
    const payload = payloadOf(link);
    const signedAs = (version: number, body: Uint8Array) => {
      const signed = concatBytes(Uint8Array.of(version), body);
      return withPayload(link, concatBytes(signed, sign(inviter.secretKey, concatBytes(lengthPrefixed(utf8(`obscura/invite/v${version}`)), signed))));
    };
    const v3Body = payload.subarray(1, payload.length - 64);
    const v2 = parseInviteLink(signedAs(2, v3Body.subarray(0, v3Body.length - 1)), NOW);
    expect(v2.ok ? v2.value : v2.error.code).toEqual({ ...fields, strictMembers: false, inviterSigningPublicKey: inviter.publicKey, inviterDeviceId: deviceIdFor(inviter.publicKey), founderDeviceId: deviceIdFor(fields.founderSigningPublicKey) });
    const v3 = parseInviteLink(link, NOW);
    expect(v3.ok && v3.value.strictMembers).toBe(true);
    const lax = parseInviteLink(createInviteLink(ORIGIN, { ...fields, strictMembers: false }, inviter), NOW);
    expect(lax.ok && lax.value.strictMembers).toBe(false);
    expect(codeOf(signedAs(3, concatBytes(v3Body.subarray(0, v3Body.length - 1), Uint8Array.of(2))))).toBe('E_INVITE_FORMAT');
  });
});
