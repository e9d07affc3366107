// The sealed, signed envelope that carries one Yjs update or snapshot.
// Note: the signature is checked before decryption so that bytes from an
// unknown or forged writer never reach the AEAD or Yjs; the caller still has to
// decide whether signerPublicKey belongs to a writer it trusts.
import { openAead, sealAead } from './aead.ts';
import { bytesEqual, concatBytes, fromBase64Url } from './encoding.ts';
import {
  contextProblem,
  encodeEnvelopeContext,
  envelopeAssociatedData,
  envelopeHeaderBytes,
  envelopeSignedMessage,
  ENVELOPE_HEADER_BYTES,
  readEnvelopeHeader,
  type EnvelopeContext,
} from './envelope-format.ts';
import { KEY_ID_BYTES, type SigningKeyPair } from './keys.ts';
import { fail, forward, ok, type Result } from './result.ts';
import { sign, SIGNATURE_BYTES, verifySignature } from './signature.ts';

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
  const header = envelopeHeaderBytes(args.context.purpose, keyIdBytes.value, args.signer.publicKey);
  const sealed = sealAead(args.key, args.plaintext, envelopeAssociatedData(header, encodedContext));
  const unsigned = concatBytes(header, sealed);
  const signature = sign(args.signer.secretKey, envelopeSignedMessage(encodedContext, unsigned));
  return concatBytes(unsigned, signature);
}

export function openEnvelope(bytes: Uint8Array, args: OpenEnvelopeArgs): Result<OpenedEnvelope> {
  const header = readEnvelopeHeader(bytes);
  if (!header.ok) return forward(header);
  const problem = contextProblem(args.context);
  if (problem !== null) return fail('E_CONTEXT', problem);
  const { keyId, signerPublicKey, purpose } = header.value;
  if (purpose !== args.context.purpose) {
    return fail('E_CONTEXT', `envelope is a ${purpose}, expected a ${args.context.purpose}`);
  }
  if (args.keyId !== undefined && args.keyId !== keyId) {
    return fail('E_CONTEXT', 'envelope names a different key id');
  }
  if (args.signerPublicKey !== undefined && !bytesEqual(args.signerPublicKey, signerPublicKey)) {
    return fail('E_SIGNATURE', 'envelope signed by an unexpected key');
  }

  const encodedContext = encodeEnvelopeContext(args.context);
  const unsigned = bytes.subarray(0, bytes.length - SIGNATURE_BYTES);
  const signature = bytes.subarray(bytes.length - SIGNATURE_BYTES);
  if (!verifySignature(signerPublicKey, envelopeSignedMessage(encodedContext, unsigned), signature)) {
    return fail('E_SIGNATURE', 'envelope signature does not verify for this context');
  }

  const ad = envelopeAssociatedData(unsigned.subarray(0, ENVELOPE_HEADER_BYTES), encodedContext);
  const opened = openAead(args.key, unsigned.subarray(ENVELOPE_HEADER_BYTES), ad);
  if (!opened.ok) return fail('E_DECRYPT', 'envelope does not decrypt with this key');
  return ok({ plaintext: opened.value, keyId, signerPublicKey });
}

/**
 * Whether the envelope's embedded signer signed these bytes for this context, without any
 * key. Note: it proves who wrote the bytes for this place, which is all a replica needs
 * to keep them against a remote delete or overwrite (sync/sealed/append-only.ts); whether
 * that signer is trusted, and what the bytes say, still needs the key and the member list.
 */
export function verifyEnvelopeSignature(bytes: Uint8Array, context: EnvelopeContext): Result<{ signerPublicKey: Uint8Array }> {
  const header = readEnvelopeHeader(bytes);
  if (!header.ok) return forward(header);
  const problem = contextProblem(context);
  if (problem !== null) return fail('E_CONTEXT', problem);
  if (header.value.purpose !== context.purpose) return fail('E_CONTEXT', `envelope is a ${header.value.purpose}, expected a ${context.purpose}`);
  const unsigned = bytes.subarray(0, bytes.length - SIGNATURE_BYTES);
  if (!verifySignature(header.value.signerPublicKey, envelopeSignedMessage(encodeEnvelopeContext(context), unsigned), bytes.subarray(bytes.length - SIGNATURE_BYTES))) {
    return fail('E_SIGNATURE', 'envelope signature does not verify for this context');
  }
  return ok({ signerPublicKey: header.value.signerPublicKey });
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
