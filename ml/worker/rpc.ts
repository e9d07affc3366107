import { MlError, toMlErrorValue, type MlErrorValue } from '../runtime/ml-error.ts';
import { isMlErrorValue, isRecord } from '../runtime/guards.ts';
import { isMlStage, type MlStage } from './ml-budgets.ts';

/** A Worker, DedicatedWorkerGlobalScope or MessagePort. */
export type Endpoint = {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
};

type AnyApi = Record<string, (...args: never[]) => Promise<unknown>>;
export type Guard<T> = (value: unknown) => value is T;

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
  endpoint.addEventListener('message', (event) => {
    const req: unknown = event.data;
    if (!isRequest(req)) return; // not ours (or garbage): nothing to answer
    const reply = (r: Response) => endpoint.postMessage(r, []);
    const method = Object.hasOwn(schema, req.method) ? (req.method as keyof A) : undefined;
    if (method === undefined || !schema[method].args(req.args)) {
      reply({ rpc: 1, id: req.id, ok: false, error: { code: 'E_BAD_MESSAGE', message: `bad call ${req.method}` } });
      return;
    }
    const fn = api[method] as unknown as (...args: unknown[]) => Promise<unknown>;
    fn(...req.args).then(
      (value) => reply({ rpc: 1, id: req.id, ok: true, value }),
      (err: unknown) => reply({ rpc: 1, id: req.id, ok: false, error: toMlErrorValue(err, 'E_INFERENCE') }),
    );
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
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void; check: Guard<unknown> }>();
  endpoint.addEventListener('message', (event) => {
    const res: unknown = event.data;
    if (isRecord(res) && res.rpc === 1 && 'stage' in res) {
      if (isMlStage(res.stage)) onStage?.(res.stage);
      return;
    }
    if (!isResponse(res)) return;
    const p = pending.get(res.id);
    if (!p) return;
    pending.delete(res.id);
    if (!res.ok) p.reject(new MlError(res.error.code, res.error.message, res.error.modelId));
    else if (!p.check(res.value)) p.reject(new MlError('E_BAD_MESSAGE', 'worker answer failed its schema'));
    else p.resolve(res.value);
  });
  return {
    call(method, args, transfer = []) {
      const id = nextId++;
      const promise = new Promise((resolve, reject) => pending.set(id, { resolve, reject, check: schema[method].result }));
      const req: Request = { rpc: 1, id, method, args: [...args] };
      endpoint.postMessage(req, transfer);
      return promise as ReturnType<A[typeof method]>;
    },
    failAll(error) {
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    },
  };
}
