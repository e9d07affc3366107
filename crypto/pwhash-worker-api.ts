// The messages between the page and the Argon2id worker, both ends validated: a
// worker answer is trusted only if it has the shape of a 32-byte key or a known code.
import { derivePassphraseKey } from './pwhash.ts';
import type { AsyncPassphraseKdf } from './pwhash-runner.ts';
import { fail, ok, type CryptoErrorCode, type Result } from './result.ts';
import { sodiumReady } from './sodium.ts';

/** A Worker, DedicatedWorkerGlobalScope or MessagePort. */
export interface PwhashEndpoint {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

export interface PwhashRequest {
  readonly pwhash: 1;
  readonly id: number;
  readonly passphrase: string;
  readonly salt: Uint8Array;
  readonly opslimit: number;
  readonly memlimit: number;
}

export type PwhashResponse =
  | { readonly pwhash: 1; readonly id: number; readonly ok: true; readonly key: Uint8Array }
  | { readonly pwhash: 1; readonly id: number; readonly ok: false; readonly code: CryptoErrorCode; readonly message: string };

const ANSWER_CODES: readonly CryptoErrorCode[] = ['E_OUT_OF_MEMORY', 'E_FORMAT'];
const MAX_PASSPHRASE_CHARS = 4096;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

export function isPwhashRequest(v: unknown): v is PwhashRequest {
  return (
    isRecord(v) && v.pwhash === 1 && Number.isSafeInteger(v.id) &&
    typeof v.passphrase === 'string' && v.passphrase.length <= MAX_PASSPHRASE_CHARS &&
    v.salt instanceof Uint8Array && v.salt.length === 16 && isPositiveInt(v.opslimit) && isPositiveInt(v.memlimit)
  );
}

export function isPwhashResponse(v: unknown): v is PwhashResponse {
  if (!isRecord(v) || v.pwhash !== 1 || !Number.isSafeInteger(v.id)) return false;
  if (v.ok === true) return v.key instanceof Uint8Array && v.key.length === 32;
  return v.ok === false && ANSWER_CODES.includes(v.code as CryptoErrorCode) && typeof v.message === 'string';
}

/** Worker side: answer each valid request with the KEK, moved (not copied) out of the worker. */
export function servePwhash(endpoint: PwhashEndpoint): void {
  const ready = sodiumReady();
  endpoint.addEventListener('message', (event) => {
    const req: unknown = event.data;
    if (!isRecord(req) || req.pwhash !== 1 || !Number.isSafeInteger(req.id)) return; // not ours
    const id = req.id as number;
    if (!isPwhashRequest(req)) {
      endpoint.postMessage({ pwhash: 1, id, ok: false, code: 'E_FORMAT', message: 'malformed Argon2id request' } satisfies PwhashResponse, []);
      return;
    }
    void ready.then(() => {
      const key = derivePassphraseKey(req.passphrase, req.salt, { opslimit: req.opslimit, memlimit: req.memlimit });
      const answer: PwhashResponse = key.ok
        ? { pwhash: 1, id, ok: true, key: key.value }
        : { pwhash: 1, id, ok: false, code: key.error.code, message: key.error.message };
      endpoint.postMessage(answer, key.ok ? [key.value.buffer as ArrayBuffer] : []);
    });
  });
}

export interface PwhashRemote {
  readonly kdf: AsyncPassphraseKdf;
  /** The worker died or is gone: calls in flight and later ones run in this thread instead. */
  fallBack(reason: string): void;
}

/**
 * Page side. A worker that cannot start or crashes must not lock anybody out, so
 * requests then run in this thread (slower UI, same key) and the reason is logged.
 */
export function pwhashOverEndpoint(endpoint: PwhashEndpoint): PwhashRemote {
  let nextId = 1;
  let broken = false;
  const pending = new Map<number, { req: PwhashRequest; resolve(r: Result<Uint8Array>): void }>();
  const inThread = async (req: PwhashRequest) => {
    await sodiumReady();
    return derivePassphraseKey(req.passphrase, req.salt, { opslimit: req.opslimit, memlimit: req.memlimit });
  };
  endpoint.addEventListener('message', (event) => {
    const res: unknown = event.data;
    if (!isPwhashResponse(res)) return;
    const p = pending.get(res.id);
    if (!p) return;
    pending.delete(res.id);
    p.resolve(res.ok ? ok(res.key) : fail(res.code, res.message));
  });
  return {
    kdf: (passphrase, salt, params) => {
      const req: PwhashRequest = { pwhash: 1, id: nextId++, passphrase, salt: salt.slice(), ...params };
      if (broken) return inThread(req);
      return new Promise((resolve) => {
        pending.set(req.id, { req, resolve });
        endpoint.postMessage(req, []);
      });
    },
    fallBack: (reason) => {
      if (!broken) console.warn(`Argon2id worker unavailable (${reason}); deriving keys on the main thread`);
      broken = true;
      for (const { req, resolve } of pending.values()) void inThread(req).then(resolve);
      pending.clear();
    },
  };
}
