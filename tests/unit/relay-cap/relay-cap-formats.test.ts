import { beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, generateSigningKeyPair, signingKeyPairFromSeed, sodiumReady, toBase64Url, toHex } from '../../../crypto/index.ts';
import { CAP_STATEMENT_BYTES, parseCapStatement, signCapStatement } from '../../../sync/relay-cap/cap-statement.ts';
import { parseWriteToken, signWriteToken, WRITE_TOKEN_BYTES, WRITE_TOKEN_MAX_SKEW_MS } from '../../../sync/relay-cap/write-token.ts';

/** The relay write capability's two byte formats (sync/PROTOCOL.md "Relay write capability"). */
const ROOM = 'cap-room-0123456789';
const NOW = 1_790_000_000_000;
beforeAll(sodiumReady);

const STATEMENT_VECTOR =
  '018a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c000000078139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394' +
  'db6d31a2b72b8bfc47ee347a23d4c161597a26d454ae5b896a1854978c9fce2eef3c247f1b5c490cc37c67657519db844cd95ef2c13e93e898354cd871db1807';
const TOKEN_VECTOR = 'AYE5dw6ofRdfVqNUZsNMfszLjYqRtO43ol32D1uPybOUAAABoMRQbABWIZtrPUaWXkx7asu17rEsgEO16erJqPwF5kie3pFQeugoXA85GAUMSUdNmPBCstY_gpwuqgAuKmzSh6u_s3IO';
const codeOf = (result: { ok: boolean; error?: { code: string } }) => (result.ok ? 'ok' : result.error?.code);
const token = (bytes: Uint8Array) => toBase64Url(bytes);
const tokenBytes = (text: string) => {
  const decoded = fromBase64Url(text);
  if (!decoded.ok) throw new Error('not base64url');
  return decoded.value;
};

describe('relay cap statement and write token', () => {
  it('round trip: a statement and a token parse back to what was signed; fixed keys give fixed bytes', () => {
    const admin = signingKeyPairFromSeed(new Uint8Array(32).fill(1));
    const writer = signingKeyPairFromSeed(new Uint8Array(32).fill(2));
    const statement = signCapStatement(ROOM, admin, 7, writer.publicKey);
    expect(statement.length).toBe(CAP_STATEMENT_BYTES);
    const policy = parseCapStatement(ROOM, statement);
    if (!policy.ok) throw new Error(policy.error.message);
    expect([policy.value.adminPk, policy.value.epoch, policy.value.writePk, policy.value.statement]).toEqual([admin.publicKey, 7, writer.publicKey, statement]);
    const proof = parseWriteToken(ROOM, signWriteToken(ROOM, writer, NOW), NOW);
    if (!proof.ok) throw new Error(proof.error.message);
    expect([proof.value.writePk, proof.value.timestampMs]).toEqual([writer.publicKey, NOW]);
    expect(tokenBytes(signWriteToken(ROOM, writer, NOW)).length).toBe(WRITE_TOKEN_BYTES);
    // Ed25519 is deterministic: these bytes are the format (keys from seeds 0x01.. and 0x02..,
    // epoch 7, 2026-09-21T14:13:20Z); a client must produce the same, and the relay keep reading them.
    expect(toHex(statement)).toBe(STATEMENT_VECTOR);
    expect(signWriteToken(ROOM, writer, NOW)).toBe(TOKEN_VECTOR);
  });

  it('E_RELAY_CAP_FORMAT: empty, cut short, extended, not base64url, a timestamp past 2^53', () => {
    const admin = generateSigningKeyPair();
    const statement = signCapStatement(ROOM, admin, 1, generateSigningKeyPair().publicKey);
    for (const bad of [new Uint8Array(0), statement.subarray(0, 132), Uint8Array.of(...statement, 0)]) {
      expect(codeOf(parseCapStatement(ROOM, bad))).toBe('E_RELAY_CAP_FORMAT');
    }
    const writer = generateSigningKeyPair();
    const bytes = tokenBytes(signWriteToken(ROOM, writer, NOW));
    for (const bad of ['', 'not base64!', `${token(bytes)}=`, token(bytes.subarray(0, 104)), token(Uint8Array.of(...bytes, 0))]) {
      expect({ bad, code: codeOf(parseWriteToken(ROOM, bad, NOW)) }).toEqual({ bad, code: 'E_RELAY_CAP_FORMAT' });
    }
    const huge = bytes.slice();
    huge.fill(0xff, 33, 41);
    expect(codeOf(parseWriteToken(ROOM, token(huge), NOW))).toBe('E_RELAY_CAP_FORMAT');
  });

  it('E_RELAY_CAP_VERSION: a first byte other than 0x01, checked before anything else', () => {
    const statement = signCapStatement(ROOM, generateSigningKeyPair(), 1, generateSigningKeyPair().publicKey);
    const bytes = tokenBytes(signWriteToken(ROOM, generateSigningKeyPair(), NOW));
    for (const version of [0, 2, 0xff]) {
      expect(codeOf(parseCapStatement(ROOM, Uint8Array.of(version, ...statement.subarray(1))))).toBe('E_RELAY_CAP_VERSION');
      expect(codeOf(parseCapStatement(ROOM, Uint8Array.of(version)))).toBe('E_RELAY_CAP_VERSION');
      expect(codeOf(parseWriteToken(ROOM, token(Uint8Array.of(version, ...bytes.subarray(1))), NOW))).toBe('E_RELAY_CAP_VERSION');
    }
  });

  it('E_RELAY_CAP_SIGNATURE: every single-byte flip after the version, another room, a key that did not sign', () => {
    const admin = generateSigningKeyPair();
    const writer = generateSigningKeyPair();
    const statement = signCapStatement(ROOM, admin, 3, writer.publicKey);
    for (let i = 1; i < statement.length; i++) {
      const flipped = statement.slice();
      flipped[i] = (flipped[i] as number) ^ 0x01;
      expect({ i, code: codeOf(parseCapStatement(ROOM, flipped)) }).toEqual({ i, code: 'E_RELAY_CAP_SIGNATURE' });
    }
    expect(codeOf(parseCapStatement('other-room-0123456789', statement))).toBe('E_RELAY_CAP_SIGNATURE');
    const bytes = tokenBytes(signWriteToken(ROOM, writer, NOW));
    // Flips in the timestamp that keep it a safe integer, in the key and in the signature.
    for (const i of [1, 20, 32, 38, 39, 40, 41, 70, 104]) {
      const flipped = bytes.slice();
      flipped[i] = (flipped[i] as number) ^ 0x01;
      expect({ i, code: codeOf(parseWriteToken(ROOM, token(flipped), NOW)) }).toEqual({ i, code: 'E_RELAY_CAP_SIGNATURE' });
    }
    expect(codeOf(parseWriteToken('other-room-0123456789', token(bytes), NOW))).toBe('E_RELAY_CAP_SIGNATURE');
    const forged = Uint8Array.of(...bytes.subarray(0, 1), ...generateSigningKeyPair().publicKey, ...bytes.subarray(33));
    expect(codeOf(parseWriteToken(ROOM, token(forged), NOW))).toBe('E_RELAY_CAP_SIGNATURE');
  });

  it("E_RELAY_CAP_CLOCK: a token more than 5 minutes off the relay's clock, either way", () => {
    const writer = generateSigningKeyPair();
    for (const [offset, code] of [
      [0, 'ok'],
      [WRITE_TOKEN_MAX_SKEW_MS, 'ok'],
      [-WRITE_TOKEN_MAX_SKEW_MS, 'ok'],
      [WRITE_TOKEN_MAX_SKEW_MS + 1, 'E_RELAY_CAP_CLOCK'],
      [-WRITE_TOKEN_MAX_SKEW_MS - 1, 'E_RELAY_CAP_CLOCK'],
      [-24 * 3600 * 1000, 'E_RELAY_CAP_CLOCK'],
    ] as const) {
      expect({ offset, code: codeOf(parseWriteToken(ROOM, signWriteToken(ROOM, writer, NOW + offset), NOW)) }).toEqual({ offset, code });
    }
  });
});
