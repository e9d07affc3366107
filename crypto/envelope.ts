// The sealed, signed envelope that carries one Yjs update or snapshot.
// Note: v3 (what is written now) signs, then encrypts the signer's key and signature with
// the update, under a subkey of the notebook key: a relay sees no signing key, so it cannot
// tell that envelopes in two notebooks come from one device (v1 showed it in clear). The
// update is padded inside the AEAD so the envelope is a Padmé bucket: a relay learns the
// bucket, not the update's size. The reader decrypts, unpads, then verifies; the caller still
// decides whether the signer is trusted. v2 (the same without padding) is still read, and so
// is v1: its signature is checked before decryption, as it was written.
import { openAead, sealAead } from './aead.ts';
import { bytesEqual, concatBytes, fromBase64Url } from './encoding.ts';
import {
  AEAD_DOMAIN_V2,
  AEAD_DOMAIN_V3,
  AEAD_SUBKEY_PURPOSE_V2,
  AEAD_SUBKEY_PURPOSE_V3,
  contextProblem,
  encodeEnvelopeContext,
  envelopeAssociatedData,
  envelopeHeaderBytes,
  envelopeSignedMessage,
  ENVELOPE_HEADER_BYTES,
  ENVELOPE_V1,
  ENVELOPE_V1_HEADER_BYTES,
  ENVELOPE_VERSION,
  padUpdate,
  readEnvelopeHeader,
  SIGNATURE_DOMAIN_V2,
  SIGNATURE_DOMAIN_V3,
  unpadUpdate,
  type EnvelopeContext,
} from './envelope-format.ts';
import { deriveSubkey } from './hash.ts';
import { KEY_ID_BYTES, wipe, type SigningKeyPair } from './keys.ts';
import { fail, forward, ok, type Result } from './result.ts';
import { sign, SIGNATURE_BYTES, SIGNING_PUBLIC_KEY_BYTES, verifySignature } from './signature.ts';

export interface OpenedEnvelope {
  plaintext: Uint8Array;
  keyId: string;
  signerPublicKey: Uint8Array;
}

export interface OpenEnvelopeArgs {
  key: Uint8Array;
  context: EnvelopeContext;
  /** When given, an envelope naming another key id fails with E_CONTEXT before any crypto. */
  keyId?: string;
  /** When given, an envelope signed by any other key fails with E_SIGNATURE. */
  signerPublicKey?: Uint8Array;
}

const SIGNED_PREFIX = SIGNING_PUBLIC_KEY_BYTES + SIGNATURE_BYTES;

export function sealEnvelope(args: {
  key: Uint8Array;
  keyId: string;
  context: EnvelopeContext;
  plaintext: Uint8Array;
  signer: SigningKeyPair;
}): Uint8Array {
  const problem = contextProblem(args.context);
  if (problem !== null) throw new TypeError(`sealEnvelope: ${problem}`);
  const keyIdBytes = fromBase64Url(args.keyId);
  if (!keyIdBytes.ok || keyIdBytes.value.length !== KEY_ID_BYTES) {
    throw new TypeError('sealEnvelope: keyId must be 16 bytes as base64url (see newKeyId)');
  }
  const encodedContext = encodeEnvelopeContext(args.context);
  const header = envelopeHeaderBytes(args.context.purpose, keyIdBytes.value);
  const signature = sign(args.signer.secretKey, concatBytes(SIGNATURE_DOMAIN_V3, encodedContext, header, args.plaintext));
  const aeadKey = deriveSubkey(args.key, AEAD_SUBKEY_PURPOSE_V3);
  const sealed = sealAead(aeadKey, concatBytes(args.signer.publicKey, signature, padUpdate(args.plaintext)), concatBytes(AEAD_DOMAIN_V3, header, encodedContext));
  wipe(aeadKey);
  return concatBytes(header, sealed);
}

export function openEnvelope(bytes: Uint8Array, args: OpenEnvelopeArgs): Result<OpenedEnvelope> {
  const header = readEnvelopeHeader(bytes);
  if (!header.ok) return forward(header);
  const problem = contextProblem(args.context);
  if (problem !== null) return fail('E_CONTEXT', problem);
  const { keyId, purpose } = header.value;
  if (purpose !== args.context.purpose) {
    return fail('E_CONTEXT', `envelope is a ${purpose}, expected a ${args.context.purpose}`);
  }
  if (args.keyId !== undefined && args.keyId !== keyId) {
    return fail('E_CONTEXT', 'envelope names a different key id');
  }
  const encodedContext = encodeEnvelopeContext(args.context);
  if (header.value.version === ENVELOPE_V1) return openV1(bytes, args, encodedContext, keyId);

  // v2 and v3 differ in their domains and in v3's padding around the update.
  const v3 = header.value.version === ENVELOPE_VERSION;
  const head = bytes.subarray(0, ENVELOPE_HEADER_BYTES);
  const aeadKey = deriveSubkey(args.key, v3 ? AEAD_SUBKEY_PURPOSE_V3 : AEAD_SUBKEY_PURPOSE_V2);
  const opened = openAead(aeadKey, bytes.subarray(ENVELOPE_HEADER_BYTES), concatBytes(v3 ? AEAD_DOMAIN_V3 : AEAD_DOMAIN_V2, head, encodedContext));
  wipe(aeadKey);
  if (!opened.ok) return fail('E_DECRYPT', 'envelope does not decrypt with this key');
  if (opened.value.length < SIGNED_PREFIX) return fail('E_TRUNCATED', 'envelope holds no signer and signature');
  const signerPublicKey = opened.value.slice(0, SIGNING_PUBLIC_KEY_BYTES);
  const signature = opened.value.subarray(SIGNING_PUBLIC_KEY_BYTES, SIGNED_PREFIX);
  const unpadded = v3 ? unpadUpdate(opened.value.subarray(SIGNED_PREFIX), bytes.length) : ok(opened.value.slice(SIGNED_PREFIX));
  if (!unpadded.ok) return forward(unpadded);
  const plaintext = unpadded.value;
  if (args.signerPublicKey !== undefined && !bytesEqual(args.signerPublicKey, signerPublicKey)) {
    return fail('E_SIGNATURE', 'envelope signed by an unexpected key');
  }
  if (!verifySignature(signerPublicKey, concatBytes(v3 ? SIGNATURE_DOMAIN_V3 : SIGNATURE_DOMAIN_V2, encodedContext, head, plaintext), signature)) {
    return fail('E_SIGNATURE', 'envelope signature does not verify for this context');
  }
  return ok({ plaintext, keyId, signerPublicKey });
}

function openV1(bytes: Uint8Array, args: OpenEnvelopeArgs, encodedContext: Uint8Array, keyId: string): Result<OpenedEnvelope> {
  const signerPublicKey = bytes.slice(ENVELOPE_V1_HEADER_BYTES - SIGNING_PUBLIC_KEY_BYTES, ENVELOPE_V1_HEADER_BYTES);
  if (args.signerPublicKey !== undefined && !bytesEqual(args.signerPublicKey, signerPublicKey)) {
    return fail('E_SIGNATURE', 'envelope signed by an unexpected key');
  }
  const unsigned = bytes.subarray(0, bytes.length - SIGNATURE_BYTES);
  if (!verifySignature(signerPublicKey, envelopeSignedMessage(encodedContext, unsigned), bytes.subarray(bytes.length - SIGNATURE_BYTES))) {
    return fail('E_SIGNATURE', 'envelope signature does not verify for this context');
  }
  const ad = envelopeAssociatedData(unsigned.subarray(0, ENVELOPE_V1_HEADER_BYTES), encodedContext);
  const opened = openAead(args.key, unsigned.subarray(ENVELOPE_V1_HEADER_BYTES), ad);
  if (!opened.ok) return fail('E_DECRYPT', 'envelope does not decrypt with this key');
  return ok({ plaintext: opened.value, keyId, signerPublicKey });
}

/**
 * Whether a v1 envelope's embedded signer signed these bytes for this context, without any
 * key. Note: it proves who wrote the bytes for this place, which is all a replica needs
 * to keep them against a remote delete or overwrite (sync/sealed/append-only.ts). A v2
 * envelope shows its signer only to key holders: E_KEY_UNKNOWN, open it instead.
 */
export function verifyEnvelopeSignature(bytes: Uint8Array, context: EnvelopeContext): Result<{ signerPublicKey: Uint8Array }> {
  const header = readEnvelopeHeader(bytes);
  if (!header.ok) return forward(header);
  const problem = contextProblem(context);
  if (problem !== null) return fail('E_CONTEXT', problem);
  if (header.value.purpose !== context.purpose) return fail('E_CONTEXT', `envelope is a ${header.value.purpose}, expected a ${context.purpose}`);
  const signerPublicKey = header.value.signerPublicKey;
  if (signerPublicKey === undefined) return fail('E_KEY_UNKNOWN', 'a v2 or v3 envelope shows its signer only to holders of its key');
  const unsigned = bytes.subarray(0, bytes.length - SIGNATURE_BYTES);
  if (!verifySignature(signerPublicKey, envelopeSignedMessage(encodeEnvelopeContext(context), unsigned), bytes.subarray(bytes.length - SIGNATURE_BYTES))) {
    return fail('E_SIGNATURE', 'envelope signature does not verify for this context');
  }
  return ok({ signerPublicKey });
}

/**
 * Opens with whichever key the envelope names. `lookup` returns undefined for a
 * key id we do not hold (e.g. a rotation we have not received yet): E_KEY_UNKNOWN,
 * which callers treat as "retry later", unlike E_DECRYPT.
 */
export function openEnvelopeWithKeys(
  bytes: Uint8Array,
  args: { lookup: (keyId: string) => Uint8Array | undefined; context: EnvelopeContext; signerPublicKey?: Uint8Array },
): Result<OpenedEnvelope> {
  const header = readEnvelopeHeader(bytes);
  if (!header.ok) return forward(header);
  const key = args.lookup(header.value.keyId);
  if (key === undefined) return fail('E_KEY_UNKNOWN', `no key with id ${header.value.keyId}`);
  const opts: OpenEnvelopeArgs = { key, context: args.context, keyId: header.value.keyId };
  if (args.signerPublicKey !== undefined) opts.signerPublicKey = args.signerPublicKey;
  return openEnvelope(bytes, opts);
}
