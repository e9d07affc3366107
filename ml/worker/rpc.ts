// The ML worker's calls on the wire: a method of MlApi and its arguments, checked against
// ml-api-schema.ts on both sides; the ids, calls in flight and refusals are
// crypto/worker-rpc.ts, which the Argon2id worker shares.
import { callOver, serveCalls, type Guard, type RpcEndpoint } from '../../crypto/worker-rpc.ts';
import { MlError, toMlErrorValue, type MlErrorValue } from '../runtime/ml-error.ts';
import { isMlErrorValue, isRecord } from '../runtime/guards.ts';
import { isMlStage, type MlStage } from './ml-budgets.ts';

export type { Guard } from '../../crypto/worker-rpc.ts';

/** A Worker, DedicatedWorkerGlobalScope or MessagePort. */
export type Endpoint = RpcEndpoint;

type AnyApi = Record<string, (...args: never[]) => Promise<unknown>>;

/** Both ends check every message: args where they arrive, results where they return. */
export type ApiSchema<A extends AnyApi> = {
  readonly [K in keyof A]: { readonly args: Guard<Parameters<A[K]>>; readonly result: Guard<Awaited<ReturnType<A[K]>>> };
};

type Request = { rpc: 1; id: number; method: string; args: unknown[] };
type Response = { rpc: 1; id: number; ok: true; value: unknown } | { rpc: 1; id: number; ok: false; error: MlErrorValue };

function isRequest(v: unknown): v is Request {
  return isRecord(v) && v.rpc === 1 && typeof v.id === 'number' && typeof v.method === 'string' && Array.isArray(v.args);
}

function isResponse(v: unknown): v is Response {
  if (!isRecord(v) || v.rpc !== 1 || typeof v.id !== 'number') return false;
  return v.ok === true ? 'value' in v : v.ok === false && isMlErrorValue(v.error);
}

/**
 * Worker side: says which stage the worker is in (ml-budgets.ts), between answers. Not tied
 * to a call: the worker is one thread, so the last stage said is the one running.
 */
export function stageReporter(endpoint: Endpoint): (stage: MlStage) => void {
  return (stage) => endpoint.postMessage({ rpc: 1, stage }, []);
}

/** Worker side: answer requests by calling `api`; bad requests get E_BAD_MESSAGE. */
export function expose<A extends AnyApi>(api: A, schema: ApiSchema<A>, endpoint: Endpoint): void {
  const known = (req: Request): keyof A | undefined => (Object.hasOwn(schema, req.method) ? (req.method as keyof A) : undefined);
  serveCalls(endpoint, {
    idOf: (message) => (isRequest(message) ? message.id : undefined), // anything else is not ours (or garbage)
    isCall: (message): message is Request => {
      if (!isRequest(message)) return false;
      const method = known(message);
      return method !== undefined && schema[method].args(message.args);
    },
    refuse: (id, message) => {
      const method = isRequest(message) ? message.method : '';
      return { rpc: 1, id, ok: false, error: { code: 'E_BAD_MESSAGE', message: `bad call ${method}` } } satisfies Response;
    },
    run: (req, id) => {
      const fn = api[req.method as keyof A] as unknown as (...args: unknown[]) => Promise<unknown>;
      return fn(...req.args).then(
        (value): { message: Response } => ({ message: { rpc: 1, id, ok: true, value } }),
        (err: unknown): { message: Response } => ({ message: { rpc: 1, id, ok: false, error: toMlErrorValue(err, 'E_INFERENCE') } }),
      );
    },
  });
}

export type Remote<A extends AnyApi> = {
  /** `transfer` lists buffers to move, not copy (e.g. image bytes); they are detached here after the call. */
  call<K extends keyof A & string>(method: K, args: Parameters<A[K]>, transfer?: Transferable[]): ReturnType<A[K]>;
  /** Reject every call in flight (the worker died or was terminated). */
  failAll(error: MlError): void;
};

/** Main-thread side: typed calls whose answers are validated before use; stage notes go to `onStage`. */
export function wrap<A extends AnyApi>(schema: ApiSchema<A>, endpoint: Endpoint, onStage?: (stage: MlStage) => void): Remote<A> {
  const caller = callOver(endpoint, isResponse);
  endpoint.addEventListener('message', (event) => {
    const note: unknown = event.data;
    if (isRecord(note) && note.rpc === 1 && 'stage' in note && isMlStage(note.stage)) onStage?.(note.stage);
  });
  return {
    call(method, args, transfer = []) {
      const check: Guard<unknown> = schema[method].result;
      const answer = caller.call((id) => ({ rpc: 1, id, method, args: [...args] }) satisfies Request, transfer).then((res) => {
        if (!res.ok) throw new MlError(res.error.code, res.error.message, res.error.modelId);
        if (!check(res.value)) throw new MlError('E_BAD_MESSAGE', 'worker answer failed its schema');
        return res.value;
      });
      return answer as ReturnType<A[typeof method]>;
    },
    failAll: (error) => caller.failAll(error),
  };
}
