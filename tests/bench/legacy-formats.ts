/**
 * The formats written before size padding (envelope v2, blob v1), so a benchmark can measure
 * what padding costs against them in the same run. Bench-only: the app never writes these
 * again; crypto/ still reads both (crypto/FORMATS.md). Built from crypto/'s exports, the same
 * steps as the code before padding (commit 13811fd and earlier).
 */
import * as Y from 'yjs';
import {
  concatBytes,
  deriveSubkey,
  encodeEnvelopeContext,
  ENVELOPE_PURPOSES,
  fromBase64Url,
  lengthPrefixed,
  openEnvelope,
  sealAead,
  sign,
  sodium,
  utf8,
  type EnvelopeContext,
  type SigningKeyPair,
} from '../../crypto/index.ts';
import { boxMaps, parseEntryKey } from '../../sync/sealed/box-layout.ts';
import type { Keyring } from '../../sync/sealed/keyring.ts';

export interface SealArgs {
  readonly key: Uint8Array;
  readonly keyId: string;
  readonly context: EnvelopeContext;
  readonly plaintext: Uint8Array;
  readonly signer: SigningKeyPair;
}

/** Envelope v2: as v3 without the length and padding, under the v2 domains. */
export function sealEnvelopeV2(args: SealArgs): Uint8Array {
  const keyIdBytes = fromBase64Url(args.keyId);
  if (!keyIdBytes.ok) throw new Error('bad key id');
  const header = concatBytes(Uint8Array.of(0x02, ENVELOPE_PURPOSES[args.context.purpose]), keyIdBytes.value);
  const context = encodeEnvelopeContext(args.context);
  const signature = sign(args.signer.secretKey, concatBytes(lengthPrefixed(utf8('obscura/envelope/v2/signature')), context, header, args.plaintext));
  const aeadKey = deriveSubkey(args.key, 'obscura/envelope/v2/aead-key');
  const sealed = sealAead(aeadKey, concatBytes(args.signer.publicKey, signature, args.plaintext), concatBytes(lengthPrefixed(utf8('obscura/envelope/v2/aead')), header, context));
  return concatBytes(header, sealed);
}

/** Blob v1: secretstream chunks of the photo itself, no length, no padding. */
export function encryptBlobV1(key: Uint8Array, bytes: Uint8Array, ad: Uint8Array, chunkSize = 65_536): Uint8Array {
  const s = sodium();
  const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(key);
  const fullAd = concatBytes(Uint8Array.of(0x01), ad);
  const parts = [Uint8Array.of(0x01), header];
  const chunks = Math.max(1, Math.ceil(bytes.length / chunkSize));
  for (let i = 0; i < chunks; i++) {
    const tag = i === chunks - 1 ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    parts.push(s.crypto_secretstream_xchacha20poly1305_push(state, bytes.subarray(i * chunkSize, (i + 1) * chunkSize), fullAd, tag));
  }
  return concatBytes(...parts);
}

/**
 * A fresh box holding what `box` holds, every envelope opened and sealed again with `seal`:
 * two such boxes (v2 and v3) differ only in the envelope format, so their sizes and load
 * times compare the formats and nothing else (the original box also carries its history).
 */
export function resealBox(box: Y.Doc, keyring: Keyring, docId: string, signer: SigningKeyPair, seal: (args: SealArgs) => Uint8Array): Y.Doc {
  const out = new Y.Doc();
  const from = boxMaps(box);
  const to = boxMaps(out);
  out.transact(() => {
    for (const [kind, source, target] of [['update', from.entries, to.entries], ['snapshot', from.snapshots, to.snapshots]] as const) {
      for (const [boxKey, value] of source) {
        const place = parseEntryKey(boxKey);
        if (!place) throw new Error(`bad box key ${boxKey}`);
        const context: EnvelopeContext = { notebookId: docId, writerId: place.writerId, seq: place.seq, purpose: kind };
        const { keyId, key } = keyring.current();
        const opened = openEnvelope(value, { key, context });
        if (!opened.ok) throw new Error(`${boxKey}: ${opened.error.code}`);
        target.set(boxKey, seal({ key, keyId, context, plaintext: opened.value.plaintext, signer }));
      }
    }
  });
  return out;
}
