// Envelope formats v1, v2 and v3 (byte layouts in crypto/FORMATS.md). This file holds the
// parts both sealing and opening need: the layouts, the purpose table, the context
// encoding and the cheap header parse. New envelopes are v3 (v2 padded to a Padmé
// bucket); v1 and v2 are still read.
import { AEAD_OVERHEAD } from './aead.ts';
import { concatBytes, lengthPrefixed, readU32be, toBase64Url, u32be, u64be, utf8 } from './encoding.ts';
import { KEY_ID_BYTES } from './keys.ts';
import { padme } from './padme.ts';
import { fail, ok, type Result } from './result.ts';
import { SIGNATURE_BYTES, SIGNING_PUBLIC_KEY_BYTES } from './signature.ts';

/** What sealEnvelope writes. */
export const ENVELOPE_VERSION = 0x03;
export const ENVELOPE_V2 = 0x02;
export const ENVELOPE_V1 = 0x01;

/** Add a purpose by giving it a new, never reused, byte. */
export const ENVELOPE_PURPOSES = {
  update: 0x01,
  snapshot: 0x02,
  'vault-update': 0x03,
  'vault-snapshot': 0x04,
} as const;

export type EnvelopePurpose = keyof typeof ENVELOPE_PURPOSES;

export interface EnvelopeContext {
  notebookId: string;
  writerId: string;
  seq: number;
  purpose: EnvelopePurpose;
}

export interface EnvelopeHeader {
  version: number;
  purpose: EnvelopePurpose;
  keyId: string;
  /** v1 only: v2 and v3 carry their signer inside the ciphertext, so only key holders see it. */
  signerPublicKey: Uint8Array | undefined;
}

const OFFSET_KEY_ID = 2;
const OFFSET_SIGNER = OFFSET_KEY_ID + KEY_ID_BYTES;
/** v1: version, purpose, key id, signer public key: the part bound as AEAD associated data. */
export const ENVELOPE_V1_HEADER_BYTES = OFFSET_SIGNER + SIGNING_PUBLIC_KEY_BYTES;
/** v2 and v3: version, purpose, key id. */
export const ENVELOPE_HEADER_BYTES = OFFSET_SIGNER;
/** Bytes a v1 or v2 envelope adds to its update: 154, the least any envelope can be. */
export const ENVELOPE_OVERHEAD = ENVELOPE_V1_HEADER_BYTES + AEAD_OVERHEAD + SIGNATURE_BYTES;
/** v3: the update's length, inside the AEAD, ahead of the update. */
export const ENVELOPE_LENGTH_BYTES = 4;
/** Bytes a v3 envelope adds to its update before padding: 158. */
export const ENVELOPE_V3_OVERHEAD = ENVELOPE_OVERHEAD + ENVELOPE_LENGTH_BYTES;

// Note: separate domain strings for the signature and the AEAD so a signed
// message can never be replayed as associated data of another construction.
const SIGNATURE_DOMAIN = lengthPrefixed(utf8('obscura/envelope/v1/signature'));
const AEAD_DOMAIN = lengthPrefixed(utf8('obscura/envelope/v1/aead'));
export const SIGNATURE_DOMAIN_V2 = lengthPrefixed(utf8('obscura/envelope/v2/signature'));
export const AEAD_DOMAIN_V2 = lengthPrefixed(utf8('obscura/envelope/v2/aead'));
/** The AEAD key of v2 envelopes is a subkey of the notebook (or vault) key under this purpose. */
export const AEAD_SUBKEY_PURPOSE_V2 = 'obscura/envelope/v2/aead-key';
export const SIGNATURE_DOMAIN_V3 = lengthPrefixed(utf8('obscura/envelope/v3/signature'));
export const AEAD_DOMAIN_V3 = lengthPrefixed(utf8('obscura/envelope/v3/aead'));
export const AEAD_SUBKEY_PURPOSE_V3 = 'obscura/envelope/v3/aead-key';

/** v3: bytes of the sealed envelope of an update of `updateLength` bytes: a Padmé bucket. */
export function paddedEnvelopeBytes(updateLength: number): number {
  return padme(ENVELOPE_V3_OVERHEAD + updateLength);
}

function purposeFromByte(byte: number): EnvelopePurpose | null {
  for (const [name, code] of Object.entries(ENVELOPE_PURPOSES)) {
    if (code === byte) return name as EnvelopePurpose;
  }
  return null;
}

/** Null when the context cannot be encoded (a caller bug, reported as E_CONTEXT on open). */
export function contextProblem(context: EnvelopeContext): string | null {
  if (typeof context.notebookId !== 'string') return 'notebookId must be a string';
  if (typeof context.writerId !== 'string') return 'writerId must be a string';
  if (!Number.isSafeInteger(context.seq) || context.seq < 0) return 'seq must be a non-negative safe integer';
  if (!Object.hasOwn(ENVELOPE_PURPOSES, context.purpose)) return `unknown purpose ${String(context.purpose)}`;
  return null;
}

/** notebookId, writerId and purpose length-prefixed; seq as u64. */
export function encodeEnvelopeContext(context: EnvelopeContext): Uint8Array {
  return concatBytes(
    lengthPrefixed(utf8(context.notebookId)),
    lengthPrefixed(utf8(context.writerId)),
    u64be(context.seq),
    lengthPrefixed(utf8(context.purpose)),
  );
}

export function envelopeHeaderBytes(purpose: EnvelopePurpose, keyIdBytes: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(ENVELOPE_VERSION, ENVELOPE_PURPOSES[purpose]), keyIdBytes);
}

export function envelopeAssociatedData(header: Uint8Array, encodedContext: Uint8Array): Uint8Array {
  return concatBytes(AEAD_DOMAIN, header, encodedContext);
}

export function envelopeSignedMessage(encodedContext: Uint8Array, envelopeWithoutSignature: Uint8Array): Uint8Array {
  return concatBytes(SIGNATURE_DOMAIN, encodedContext, envelopeWithoutSignature);
}

/** Cheap parse without keys, so the caller can pick the key (and, for v1, check the signer). */
export function readEnvelopeHeader(bytes: Uint8Array): Result<EnvelopeHeader> {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) return fail('E_TRUNCATED', 'empty envelope');
  // Version first: a future version may be shorter than this one's minimum.
  const version = bytes[0];
  if (version !== ENVELOPE_VERSION && version !== ENVELOPE_V2 && version !== ENVELOPE_V1) return fail('E_VERSION', `unknown envelope version ${version}`);
  if (bytes.length < (version === ENVELOPE_VERSION ? ENVELOPE_V3_OVERHEAD : ENVELOPE_OVERHEAD)) return fail('E_TRUNCATED', 'envelope shorter than its fixed overhead');
  const purpose = purposeFromByte(bytes[1] ?? -1);
  if (purpose === null) return fail('E_FORMAT', `unknown envelope purpose byte ${bytes[1]}`);
  return ok({
    version,
    purpose,
    keyId: toBase64Url(bytes.slice(OFFSET_KEY_ID, OFFSET_SIGNER)),
    signerPublicKey: version === ENVELOPE_V1 ? bytes.slice(OFFSET_SIGNER, ENVELOPE_V1_HEADER_BYTES) : undefined,
  });
}

/** v3: what goes inside the AEAD after signer and signature: u32be(length) ‖ update ‖ zeros up to the bucket. */
export function padUpdate(update: Uint8Array): Uint8Array {
  const padded = new Uint8Array(paddedEnvelopeBytes(update.length) - ENVELOPE_OVERHEAD);
  padded.set(u32be(update.length));
  padded.set(update, ENVELOPE_LENGTH_BYTES);
  return padded;
}

/**
 * v3: the update inside `padded` (the decrypted bytes after signer and signature) of an
 * envelope of `envelopeBytes` bytes. E_PADDING unless the length fits, the padding is all
 * zero and the envelope is exactly the bucket of that length (one valid padding per update).
 */
export function unpadUpdate(padded: Uint8Array, envelopeBytes: number): Result<Uint8Array> {
  if (padded.length < ENVELOPE_LENGTH_BYTES) return fail('E_PADDING', 'envelope holds no update length');
  const length = readU32be(padded, 0);
  const end = ENVELOPE_LENGTH_BYTES + length;
  if (end > padded.length) return fail('E_PADDING', 'envelope update length runs past its end');
  for (let i = end; i < padded.length; i++) if (padded[i] !== 0) return fail('E_PADDING', 'envelope padding is not zero');
  if (envelopeBytes !== paddedEnvelopeBytes(length)) return fail('E_PADDING', 'envelope is not padded to the bucket of its update');
  return ok(padded.slice(ENVELOPE_LENGTH_BYTES, end));
}
