import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { callOver, serveCalls, type RpcEndpoint } from '../../../crypto/worker-rpc.ts';

// Node's MessagePort is the same structured-clone, transfer-list channel a Worker has.
const ports: MessagePort[] = [];
function channel(): { page: RpcEndpoint; worker: RpcEndpoint; pagePort: MessagePort; workerPort: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  return { page: port1 as unknown as RpcEndpoint, worker: port2 as unknown as RpcEndpoint, pagePort: port1, workerPort: port2 };
}
afterEach(() => {
  for (const p of ports.splice(0)) p.close();
});

type Call = { t: 1; id: number; n: number };
type Answer = { t: 1; id: number; doubled: number } | { t: 1; id: number; refused: true };
const rec = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isCall = (v: unknown): v is Call => rec(v) && v.t === 1 && typeof v.id === 'number' && Number.isSafeInteger(v.n);
const isAnswer = (v: unknown): v is Answer =>
  rec(v) && v.t === 1 && typeof v.id === 'number' && (typeof v.doubled === 'number' || v.refused === true);

/** The buffers each reply carried, as the worker side still sees them after posting. */
function serveDoubling(worker: RpcEndpoint, transfer = false): ArrayBuffer[] {
  const sent: ArrayBuffer[] = [];
  serveCalls(worker, {
    idOf: (m) => (rec(m) && m.t === 1 && typeof m.id === 'number' ? m.id : undefined),
    isCall,
    refuse: (id) => ({ t: 1, id, refused: true }),
    run: async (call, id) => {
      const buffer = new ArrayBuffer(8);
      sent.push(buffer);
      return { message: { t: 1, id, doubled: call.n * 2, buffer }, transfer: transfer ? [buffer] : [] };
    },
  });
  return sent;
}

describe('crypto/worker-rpc: the layer under both workers', () => {
  it('answers each call by its id, in any order of arrival', async () => {
    const { page, worker } = channel();
    serveDoubling(worker);
    const caller = callOver(page, isAnswer);
    const answers = await Promise.all([1, 2, 3].map((n) => caller.call((id) => ({ t: 1, id, n }))));
    expect(answers.map((a) => ('doubled' in a ? a.doubled : -1))).toEqual([2, 4, 6]);
  });

  it('refuses a malformed call of its channel and ignores every other message', async () => {
    const { pagePort, worker } = channel();
    serveDoubling(worker);
    const seen: unknown[] = [];
    pagePort.on('message', (m) => seen.push(m));
    pagePort.postMessage('garbage');
    pagePort.postMessage({ other: 1, id: 5 });
    pagePort.postMessage({ t: 1, id: 9, n: 'two' });
    pagePort.postMessage({ t: 1, id: 10, n: 2 });
    await expect.poll(() => seen.length).toBe(2);
    expect(seen).toEqual([{ t: 1, id: 9, refused: true }, expect.objectContaining({ t: 1, id: 10, doubled: 4 })]);
  });

  it('moves the buffers a reply lists instead of copying them', async () => {
    for (const transfer of [false, true]) {
      const { page, worker } = channel();
      const sent = serveDoubling(worker, transfer);
      const isMoved = (v: unknown): v is { id: number; buffer: ArrayBuffer } => rec(v) && v.buffer instanceof ArrayBuffer && isAnswer(v);
      const answer = await callOver(page, isMoved).call((id) => ({ t: 1, id, n: 1 }));
      expect(answer.buffer.byteLength).toBe(8);
      expect(sent[0]?.byteLength).toBe(transfer ? 0 : 8); // detached on the worker side only when moved
    }
  });

  it('drops forged answers and answers to no call; the valid one settles the call', async () => {
    const { page, workerPort } = channel();
    const caller = callOver(page, isAnswer);
    workerPort.on('message', (m: Call) => {
      workerPort.postMessage({ t: 1, id: m.id, doubled: 'lots' });
      workerPort.postMessage({ t: 1, id: m.id + 100, doubled: 1 });
      workerPort.postMessage({ t: 1, id: m.id, doubled: 14 });
      workerPort.postMessage({ t: 1, id: m.id, doubled: 15 }); // too late: settled once
    });
    expect(await caller.call((id) => ({ t: 1, id, n: 7 }))).toEqual({ t: 1, id: 1, doubled: 14 });
  });

  it('failAll rejects every call in flight (a dead worker answers nothing), and a later answer is dropped', async () => {
    const { page, workerPort } = channel();
    const caller = callOver(page, isAnswer);
    const ids: number[] = [];
    workerPort.on('message', (m: Call) => ids.push(m.id));
    const calls = [caller.call((id) => ({ t: 1, id, n: 1 })), caller.call((id) => ({ t: 1, id, n: 2 }))];
    caller.failAll(new Error('worker gone'));
    await Promise.all(calls.map((c) => expect(c).rejects.toThrow('worker gone')));
    await expect.poll(() => ids.length).toBe(2);
    workerPort.postMessage({ t: 1, id: ids[0], doubled: 2 });
    const next = caller.call((id) => ({ t: 1, id, n: 3 }));
    await expect.poll(() => ids.length).toBe(3);
    workerPort.postMessage({ t: 1, id: ids[2], doubled: 6 });
    expect(await next).toEqual({ t: 1, id: 3, doubled: 6 });
  });
});
