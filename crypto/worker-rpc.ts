// The one message-passing layer under both workers (the Argon2id worker here, the ML
// workers in ml/worker/rpc.ts): ids, calls in flight, refusals and failing them all when a
// worker dies. Each worker keeps its own wire shape and schema. It sits in crypto/ because
// that is the lowest folder every worker's code may import, and it imports nothing, so
// the ML worker's bundle does not pull libsodium in with it. Why not comlink:
// ARCHITECTURE.md "One layer for worker calls".

/** A Worker, DedicatedWorkerGlobalScope or MessagePort. */
export interface RpcEndpoint {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

export type Guard<T> = (value: unknown) => value is T;

/** An answer, and the buffers it moves instead of copying (a key out of the Argon2id worker). */
export interface RpcReply {
  readonly message: unknown;
  readonly transfer?: readonly Transferable[];
}

/** How one worker's calls look on the wire. */
export interface ServedCalls<Call> {
  /** The id of a call of this channel; undefined for any other message, which gets no answer. */
  idOf(message: unknown): number | undefined;
  /** A call whose arguments pass the worker's schema; the rest are refused, never run. */
  isCall: Guard<Call>;
  /** The answer to a call of this channel that failed `isCall`. */
  refuse(id: number, message: unknown): unknown;
  /** Runs a checked call; a failure is an answer too (a rejection is left unanswered). */
  run(call: Call, id: number): Promise<RpcReply>;
}

/** Worker side: every call of the channel is answered once, by `run` or by `refuse`. */
export function serveCalls<Call>(endpoint: RpcEndpoint, calls: ServedCalls<Call>): void {
  endpoint.addEventListener('message', (event) => {
    const message: unknown = event.data;
    const id = calls.idOf(message);
    if (id === undefined) return;
    const reply = (r: RpcReply) => endpoint.postMessage(r.message, [...(r.transfer ?? [])]);
    if (!calls.isCall(message)) reply({ message: calls.refuse(id, message) });
    else void calls.run(message, id).then(reply);
  });
}

export interface RpcCaller<Answer> {
  /** Posts the message `build` makes for a fresh id; settles with the first answer of that id that passes the guard. */
  call(build: (id: number) => unknown, transfer?: Transferable[]): Promise<Answer>;
  /** Rejects every call in flight with `error`: the worker died, or was stopped. */
  failAll(error: unknown): void;
}

/**
 * Page side. An answer that fails `isAnswer`, or names no call in flight, is dropped: a forged
 * or garbled message cannot settle a call, and the real answer still can.
 */
export function callOver<Answer extends { readonly id: number }>(endpoint: RpcEndpoint, isAnswer: Guard<Answer>): RpcCaller<Answer> {
  let nextId = 1;
  const pending = new Map<number, { resolve(answer: Answer): void; reject(error: unknown): void }>();
  endpoint.addEventListener('message', (event) => {
    const answer: unknown = event.data;
    if (!isAnswer(answer)) return;
    const p = pending.get(answer.id);
    if (!p) return;
    pending.delete(answer.id);
    p.resolve(answer);
  });
  return {
    call(build, transfer = []) {
      const id = nextId++;
      const answer = new Promise<Answer>((resolve, reject) => pending.set(id, { resolve, reject }));
      endpoint.postMessage(build(id), transfer);
      return answer;
    },
    failAll(error) {
      const calls = [...pending.values()];
      pending.clear();
      for (const p of calls) p.reject(error);
    },
  };
}
