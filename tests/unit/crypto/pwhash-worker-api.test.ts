import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVault, derivePassphraseKey, randomBytes, sodiumReady, toHex, unlockWithPassphrase } from '../../../crypto/index.ts';
import { pwhashOverEndpoint, servePwhash, type PwhashEndpoint } from '../../../crypto/pwhash-worker-api.ts';
import { runPassphraseKdf, usePassphraseKdf } from '../../../crypto/pwhash-runner.ts';
import { expectCode, expectOk, FAST_PWHASH } from './helpers.ts';

// Node's MessagePort is the same structured-clone, transfer-list channel a Worker has.
function endpoint(port: MessagePort): PwhashEndpoint {
  const ep = port as unknown as PwhashEndpoint;
  ports.push(port);
  return ep;
}
const ports: MessagePort[] = [];

function pair(): { page: PwhashEndpoint; worker: PwhashEndpoint; workerPort: MessagePort; pagePort: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  return { page: endpoint(port1), worker: endpoint(port2), pagePort: port1, workerPort: port2 };
}

beforeAll(async () => {
  await sodiumReady();
});

afterEach(() => {
  usePassphraseKdf(undefined);
  for (const p of ports.splice(0)) p.close();
});

describe('Argon2id over a worker channel', () => {
  it('derives the same KEK as in-thread, and the vault unlocks through it', async () => {
    const { page, worker } = pair();
    servePwhash(worker);
    const remote = pwhashOverEndpoint(page);
    const salt = randomBytes(16);
    const viaWorker = expectOk(await remote.kdf('correct horse', salt, FAST_PWHASH));
    expect(toHex(viaWorker)).toBe(toHex(expectOk(derivePassphraseKey('correct horse', salt, FAST_PWHASH))));

    let calls = 0;
    usePassphraseKdf((...args) => (calls++, remote.kdf(...args)));
    const { header, vaultKey } = await createVault('pw', FAST_PWHASH);
    expect(toHex(expectOk(await unlockWithPassphrase(header, 'pw')))).toBe(toHex(vaultKey));
    expectCode(await unlockWithPassphrase(header, 'wrong'), 'E_PASSPHRASE');
    expect(calls).toBe(3);
  });

  it('E_OUT_OF_MEMORY from the worker comes back as a value', async () => {
    const { page, worker } = pair();
    servePwhash(worker);
    const remote = pwhashOverEndpoint(page);
    expectCode(await remote.kdf('pw', randomBytes(16), { opslimit: 1, memlimit: 2 ** 42 }), 'E_OUT_OF_MEMORY');
  });

  it('E_FORMAT: the worker answers a malformed request with a code, not a key', async () => {
    const { pagePort, worker } = pair();
    servePwhash(worker);
    const answer = new Promise<unknown>((resolve) => pagePort.once('message', resolve));
    pagePort.postMessage({ pwhash: 1, id: 7, passphrase: 'pw', salt: new Uint8Array(3), opslimit: 1, memlimit: 8192 });
    expect(await answer).toMatchObject({ pwhash: 1, id: 7, ok: false, code: 'E_FORMAT' });
  });

  it('ignores forged or malformed answers and takes only the valid one', async () => {
    const { page, workerPort } = pair();
    const remote = pwhashOverEndpoint(page);
    const key = randomBytes(32);
    workerPort.on('message', (req: { id: number }) => {
      workerPort.postMessage({ pwhash: 1, id: req.id, ok: true, key: new Uint8Array(31) });
      workerPort.postMessage({ pwhash: 1, id: req.id, ok: false, code: 'E_NOT_A_CODE', message: 'x' });
      workerPort.postMessage('garbage');
      workerPort.postMessage({ pwhash: 1, id: req.id, ok: true, key });
    });
    expect(toHex(expectOk(await remote.kdf('pw', randomBytes(16), FAST_PWHASH)))).toBe(toHex(key));
  });

  it('a worker that dies does not lock anybody out: pending and later calls run in-thread', async () => {
    const { page } = pair(); // nobody serves the other end
    const remote = pwhashOverEndpoint(page);
    usePassphraseKdf(remote.kdf);
    const salt = randomBytes(16);
    const pending = runPassphraseKdf('pw', salt, FAST_PWHASH);
    remote.fallBack('test: worker crashed');
    const expected = toHex(expectOk(derivePassphraseKey('pw', salt, FAST_PWHASH)));
    expect(toHex(expectOk(await pending))).toBe(expected);
    expect(toHex(expectOk(await runPassphraseKdf('pw', salt, FAST_PWHASH)))).toBe(expected);
  });
});
