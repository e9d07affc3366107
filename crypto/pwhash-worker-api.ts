// The messages between the page and the Argon2id worker, both ends validated: a
// worker answer is trusted only if it has the shape of a 32-byte key or a known code. The ids
// and calls in flight are crypto/worker-rpc.ts, which the ML workers share.
import { derivePassphraseKey } from './pwhash.ts';
import type { AsyncPassphraseKdf } from './pwhash-runner.ts';
import { fail, ok, type CryptoErrorCode, type Result } from './result.ts';
import { sodiumReady } from './sodium.ts';
import { callOver, serveCalls, type RpcEndpoint } from './worker-rpc.ts';

/** A Worker, DedicatedWorkerGlobalScope or MessagePort. */
export type PwhashEndpoint = RpcEndpoint;

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
  serveCalls(endpoint, {
    idOf: (message) => (isRecord(message) && message.pwhash === 1 && Number.isSafeInteger(message.id) ? (message.id as number) : undefined),
    isCall: isPwhashRequest,
    refuse: (id) => ({ pwhash: 1, id, ok: false, code: 'E_FORMAT', message: 'malformed Argon2id request' }) satisfies PwhashResponse,
    run: (req, id) =>
      ready.then(() => {
        const key = derivePassphraseKey(req.passphrase, req.salt, { opslimit: req.opslimit, memlimit: req.memlimit });
        const answer: PwhashResponse = key.ok
          ? { pwhash: 1, id, ok: true, key: key.value }
          : { pwhash: 1, id, ok: false, code: key.error.code, message: key.error.message };
        return { message: answer, transfer: key.ok ? [key.value.buffer as ArrayBuffer] : [] };
      }),
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
  let broken = false;
  const caller = callOver(endpoint, isPwhashResponse);
  const inThread = async (req: Omit<PwhashRequest, 'id'>) => {
    await sodiumReady();
    return derivePassphraseKey(req.passphrase, req.salt, { opslimit: req.opslimit, memlimit: req.memlimit });
  };
  return {
    kdf: (passphrase, salt, params) => {
      const req = { pwhash: 1, passphrase, salt: salt.slice(), ...params } as const;
      if (broken) return inThread(req);
      return caller.call((id) => ({ ...req, id }) satisfies PwhashRequest).then(
        (res): Result<Uint8Array> => (res.ok ? ok(res.key) : fail(res.code, res.message)),
        () => inThread(req), // failed by fallBack: the worker is gone
      );
    },
    fallBack: (reason) => {
      if (!broken) console.warn(`Argon2id worker unavailable (${reason}); deriving keys on the main thread`);
      broken = true;
      caller.failAll(new Error(reason));
    },
  };
}
