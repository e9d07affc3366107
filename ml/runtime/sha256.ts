import { MlError } from './ml-error.ts';

/** Lowercase hex sha256 via WebCrypto (browser, worker and Node 20 alike). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // digest() wants an ArrayBuffer-backed view; a view on shared memory is copied.
  const view = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', view));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Refuse bytes whose hash is not the pinned one, before onnxruntime parses
 * them: a swapped or truncated model must never run (ARCHITECTURE §5).
 */
export async function verifySha256(bytes: Uint8Array, expected: string, what: string): Promise<void> {
  const actual = await sha256Hex(bytes);
  if (actual !== expected.toLowerCase()) {
    throw new MlError('E_MODEL_HASH', `${what}: sha256 ${actual} is not the pinned ${expected}`);
  }
}
