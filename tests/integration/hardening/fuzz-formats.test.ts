import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  asVaultKey,
  concatBytes,
  decodeVaultHeader,
  encodeVaultHeader,
  formatRecoveryKey,
  generateBoxKeyPair,
  parseRecoveryKey,
  fromBase64Url,
  generateSigningKeyPair,
  lengthPrefixed,
  newKeyId,
  openEnvelope,
  openEnvelopeWithKeys,
  randomBytes as cryptoRandomBytes,
  randomNotebookKey,
  openAead,
  sealAead,
  sealEnvelope,
  sealToPublicKey,
  sign,
  sodiumReady,
  toBase64Url,
  u32be,
  utf8,
  type EnvelopeContext,
} from '../../../crypto/index.ts';
import { parseModelManifest, pinnedFiles } from '../../../ml/runtime/model-manifest.ts';
import { decodeLaneMessage, encodeLaneMessage } from '../../../sync/blob/blob-lane-messages.ts';
import { parseByteRange, parseContentRange } from '../../../sync/server/relay/blob-files.ts';
import type { MlApi } from '../../../ml/worker/ml-api.ts';
import { ML_API_SCHEMA } from '../../../ml/worker/ml-api-schema.ts';
import { expose, type Endpoint } from '../../../ml/worker/rpc.ts';
import { openPresence, presenceKey, sealPresence } from '../../../sync/replication/presence-seal.ts';
import { notebookRoomFromKey } from '../../../sync/transport/derive-room-id.ts';
import { decodeSnapshot, encodeSnapshot } from '../../../sync/sealed/snapshot-codec.ts';
import { parseSignalingMessage } from '../../../sync/server/signaling-message.ts';
import { createDeviceLinkRequest, createDeviceLinkResponse, openDeviceLinkResponse, parseDeviceLinkRequest } from '../../../sync/share/device-link.ts';
import { requestDigest } from '../../../sync/share/device-link-request.ts';
import { createInviteLink, INVITE_PATH, parseInviteLink } from '../../../sync/share/invite-link.ts';
import { openKeyEnvelope, sealKeyEnvelope } from '../../../sync/share/key-envelope.ts';
import { ChunkReassembler } from '../../../sync/transport/chunk-reassembler.ts';
import { FRAME_FIRST, FRAME_NEXT, FRAME_WHOLE } from '../../../sync/transport/chunk-frames.ts';
import { deriveRoomId } from '../../../sync/transport/derive-room-id.ts';
import { fuzz, int, mutateBytes, mutateString, mutateValue, pick, randomBytes, randomValue, type FuzzTally, type Random } from '../../helpers/fuzz.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';

/**
 * Random and mutated input into every parser of untrusted bytes that works on a single
 * value (the relay's frames are fuzzed in tests/integration/hocus/fuzz-hocus.test.ts, the plain doc's records in
 * fuzz-plain-doc.test.ts). Each parser must answer ok, a coded error, or (validators
 * whose contract is undefined/false) "refused": never throw, never hang. A result that
 * breaks the parser's own promise (a bound, a field check) is reported as "BUG: …". Where a format
 * is signed or sealed, mutated bodies are also re-signed/re-sealed with the right key so
 * the field parsers behind the signature are reached. Counts are printed per parser.
 */
beforeAll(sodiumReady);

const BUDGET = { cases: 4000, ms: 1500 };
const seed = testSeed();
const tallies: FuzzTally[] = [];

function check(tally: FuzzTally): void {
  tallies.push(tally);
  console.log(tally.summary());
  expect(tally.crashes, tally.crashes.slice(0, 5).join('\n')).toEqual([]);
  expect(tally.hangs).toEqual([]);
  expect(tally.uncoded).toEqual([]);
  expect(tally.tried).toBeGreaterThan(100);
}

const codeOf = (r: { ok: boolean; error?: { code: string } }): string => (r.ok ? 'ok' : (r.error?.code ?? 'no code'));

describe(`fuzz: parsers of untrusted bytes (seed=${seed}, replay with OBSCURA_SEED=${seed})`, () => {
  it('envelopes: openEnvelope / openEnvelopeWithKeys on mutated and random bytes', () => {
    const random = seededRandom(seed);
    const signer = generateSigningKeyPair();
    const keyId = newKeyId();
    const key = randomNotebookKey();
    const context: EnvelopeContext = { notebookId: 'nb', writerId: 'dev.session', seq: 3, purpose: 'update' };
    const corpus = [0, 1, 100, 5000].map((n) => sealEnvelope({ key, keyId, plaintext: cryptoRandomBytes(n), signer, context }));
    const tally = fuzz('envelope', BUDGET, () => (random() < 0.9 ? mutateBytes(pick(random, corpus), random, corpus) : randomBytes(random, 400)), (bytes) => {
      const a = openEnvelope(bytes, { key, context });
      const b = openEnvelopeWithKeys(bytes, { lookup: (id) => (id === keyId ? key : undefined), context });
      if (a.ok !== b.ok) return 'BUG: openEnvelope and openEnvelopeWithKeys disagree';
      return codeOf(a);
    });
    check(tally);
  });

  it('snapshot payloads: decodeSnapshot on mutated and random bytes', () => {
    const random = seededRandom(seed + 1);
    const corpus = [
      encodeSnapshot({ covers: [], update: new Uint8Array([0, 0]) }),
      encodeSnapshot({ covers: ['a.b/1', 'a.b/2', 'c.d/9'], update: cryptoRandomBytes(300) }),
    ];
    const tally = fuzz('snapshot-codec', BUDGET, () => (random() < 0.9 ? mutateBytes(pick(random, corpus), random, corpus) : randomBytes(random, 200)), (bytes) => {
      const decoded = decodeSnapshot(bytes);
      if (!decoded) return 'refused';
      // Non-minimal varuints decode too; harmless, the payload sits inside a signed envelope.
      return decoded.covers.every((c) => typeof c === 'string') && decoded.update instanceof Uint8Array ? 'ok' : 'BUG: malformed snapshot decoded';
    });
    check(tally);
  });

  it('invite links: mutated links, mutated payloads, and mutated bodies re-signed by the inviter', () => {
    const random = seededRandom(seed + 2);
    const inviter = generateSigningKeyPair();
    const link = createInviteLink('https://o.example', {
      notebookId: 'nb_1', notebookName: 'Notes ✓', founderSigningPublicKey: generateSigningKeyPair().publicKey, strictMembers: true,
      room: notebookRoomFromKey(randomNotebookKey(), 'nb_1'), oneTimeSeed: cryptoRandomBytes(32), expiresAt: 4_000_000_000_000,
      signalingUrls: ['wss://s.example'], relayUrls: ['wss://r.example', 'https://r.example/b'],
    }, inviter);
    const payload = (fromBase64Url(link.slice(link.indexOf(INVITE_PATH) + INVITE_PATH.length)) as { value: Uint8Array }).value;
    const prefix = link.slice(0, link.indexOf(INVITE_PATH) + INVITE_PATH.length);
    const domain = lengthPrefixed(utf8('obscura/invite/v3'));
    const resign = (body: Uint8Array) => {
      const signed = concatBytes(payload.subarray(0, 33), body);
      return concatBytes(signed, sign(inviter.secretKey, concatBytes(domain, signed)));
    };
    const body = payload.subarray(33, payload.length - 64);
    const tally = fuzz('invite-link', BUDGET, () => {
      const r = random();
      if (r < 0.2) return mutateString(link, random);
      if (r < 0.4) return prefix + toBase64Url(mutateBytes(payload, random));
      if (r < 0.95) return prefix + toBase64Url(resign(mutateBytes(body, random)));
      return randomValue(random) as string;
    }, (url) => {
      const parsed = parseInviteLink(url, 1_800_000_000_000);
      if (parsed.ok && !/^[A-Za-z0-9_-]{1,64}$/.test(parsed.value.notebookId)) return 'BUG: accepted a malformed field';
      return codeOf(parsed);
    });
    check(tally);
    expect(tally.outcomes.get('E_INVITE_FORMAT') ?? 0).toBeGreaterThan(0);
  });

  it('device links: mutated requests, and responses with mutated secrets re-sealed to the device', () => {
    const random = seededRandom(seed + 3);
    const now = 1_800_000_000_000;
    const request = createDeviceLinkRequest('https://o.example', cryptoRandomBytes(32), now);
    const vaultKey = asVaultKey(cryptoRandomBytes(32));
    const approver = cryptoRandomBytes(32);
    const response = createDeviceLinkResponse('https://o.example', request, vaultKey, 'vault-id', approver);
    const payload = (fromBase64Url(response.slice(response.indexOf('#/linked/') + 9)) as { value: Uint8Array }).value;
    const secret = concatBytes(lengthPrefixed(utf8('obscura/device-link/v3')), vaultKey, requestDigest(request), approver, lengthPrefixed(utf8('vault-id')));
    const tally = fuzz('device-link', BUDGET, () => {
      const r = random();
      if (r < 0.25) return { request: mutateString(request.link, random) };
      if (r < 0.45) return { response: `https://o.example/#/linked/${toBase64Url(mutateBytes(payload, random))}` };
      if (r < 0.95) return { response: `https://o.example/#/linked/${toBase64Url(concatBytes(new Uint8Array([3]), sealToPublicKey(request.keyPair.publicKey, mutateBytes(secret, random))))}` };
      return { request: randomValue(random) };
    }, (input) => {
      if ('request' in input) {
        const parsed = parseDeviceLinkRequest(input.request, now);
        if (!parsed.ok) return codeOf(parsed);
        const { boxPublicKey, createdAt, expiresAt } = parsed.value;
        return boxPublicKey.length !== 32 || expiresAt <= now || expiresAt - createdAt > 3600_000 ? 'BUG: accepted a malformed field' : 'ok';
      }
      return codeOf(openDeviceLinkResponse(input.response, request, now + 1000));
    });
    check(tally);
    expect(tally.outcomes.get('E_DEVICE_LINK_FORMAT') ?? 0).toBeGreaterThan(0);
  });

  it('presence: openPresence on random states, odd client ids, and mutated plaintexts sealed under the presence key', () => {
    const random = seededRandom(seed + 4);
    const notebookKey = randomNotebookKey();
    const roomId = deriveRoomId(notebookKey, 'nb');
    const key = presenceKey(notebookKey, roomId);
    const signer = generateSigningKeyPair();
    const members = (deviceId: string) => (deviceId === 'dev' ? signer.publicKey : undefined);
    const good = sealPresence(key, roomId, 7, { deviceId: 'dev', deviceName: 'Laptop' }, signer);
    const ad = concatBytes(utf8('obscura/presence/v2'), u32be(7), utf8(roomId));
    const plain = (openAead(key, (fromBase64Url(good.p) as { value: Uint8Array }).value, ad) as { value: Uint8Array }).value;
    const clientIds = [7, 0, -1, 1.5, 2 ** 32, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY];
    const tally = fuzz('presence', BUDGET, () => {
      const r = random();
      const clientId = random() < 0.7 ? 7 : pick(random, clientIds);
      if (r < 0.3) return { clientId, state: mutateValue(good, random) };
      if (r < 0.8) {
        const bytes = random() < 0.5 ? mutateBytes(plain, random) : utf8(JSON.stringify(randomValue(random)) ?? 'null');
        return { clientId: 7, state: { p: toBase64Url(sealAead(key, bytes, ad)) } };
      }
      return { clientId, state: randomValue(random) };
    }, ({ clientId, state }) => {
      const info = openPresence(key, roomId, clientId, state, members);
      if (!info) return 'refused';
      return typeof info.deviceId === 'string' && typeof info.deviceName === 'string' ? 'ok' : 'BUG: accepted a malformed field';
    });
    check(tally);
    expect(openPresence(key, roomId, 7, good, members)).toEqual({ deviceId: 'dev', deviceName: 'Laptop' });
  });

  it('signaling messages: parseSignalingMessage on mutated and random JSON text', () => {
    const random = seededRandom(seed + 5);
    const topic = deriveRoomId(randomNotebookKey(), 'nb');
    const corpus = [
      { type: 'subscribe', topics: [topic] },
      { type: 'unsubscribe', topics: [topic, topic] },
      { type: 'publish', topic, data: 'QUJD' },
      { type: 'ping' },
    ];
    const tally = fuzz('signaling-message', BUDGET, () => {
      const r = random();
      if (r < 0.5) return JSON.stringify(mutateValue(pick(random, corpus), random)) ?? '';
      if (r < 0.8) return mutateString(JSON.stringify(pick(random, corpus)), random);
      return JSON.stringify(randomValue(random)) ?? 'undefined';
    }, (text) => (parseSignalingMessage(text) ? 'ok' : 'refused'));
    check(tally);
  });

  it('chunk frames: random frame sequences into a ChunkReassembler stay within its bound and end in a code', () => {
    const random = seededRandom(seed + 6);
    const bound = 4096;
    const frame = (type: number, body: Uint8Array) => concatBytes(new Uint8Array([type]), body);
    const first = (total: number, body: Uint8Array) => concatBytes(new Uint8Array([FRAME_FIRST]), u32be(total), body);
    const randomFrame = (r: Random): Uint8Array => {
      switch (int(r, 5)) {
        case 0:
          return frame(FRAME_WHOLE, randomBytes(r, 64));
        case 1:
          return first(pick(r, [0, 1, 10, 100, bound, bound + 1, 0xffffffff, int(r, 2 * bound)]), randomBytes(r, 64));
        case 2:
          return frame(FRAME_NEXT, randomBytes(r, 128));
        case 3:
          return randomBytes(r, 16);
        default:
          return mutateBytes(frame(pick(r, [FRAME_WHOLE, FRAME_FIRST, FRAME_NEXT]), randomBytes(r, 32)), r);
      }
    };
    const tally = fuzz('chunk-frames', BUDGET, () => Array.from({ length: 1 + int(random, 12) }, () => randomFrame(random)), (frames) => {
      const reassembler = new ChunkReassembler(bound);
      let last = 'ok';
      for (const f of frames) {
        const result = reassembler.push(f);
        if (reassembler.pendingBytes > bound) return 'BUG: reassembly bound exceeded';
        if (result.kind === 'message' && result.data.byteLength > bound) return 'BUG: reassembly bound exceeded';
        last = result.kind === 'error' ? result.code : 'ok';
      }
      return last;
    });
    check(tally);
  });

  it('models/manifest.json: parseModelManifest on mutated manifests refuses with an error naming the path, never a TypeError', () => {
    const random = seededRandom(seed + 7);
    const manifest: unknown = JSON.parse(readFileSync(new URL('../../../models/manifest.json', import.meta.url), 'utf8'));
    const tally = fuzz('model-manifest', BUDGET, () => {
      let value = manifest;
      for (let i = 1 + int(random, 3); i > 0; i--) value = mutateValue(value, random);
      return random() < 0.1 ? randomValue(random) : value;
    }, (value) => {
      try {
        const parsed = parseModelManifest(value);
        for (const file of pinnedFiles(parsed)) if (!/^[0-9a-f]{64}$/.test(file.sha256) || file.file.split('/').includes('..')) return 'BUG: accepted a malformed field';
        return 'ok';
      } catch (error) {
        // The manifest is our own committed file, so the loader throws (at build and app
        // start), with the JSON path that was wrong; anything else is a crash.
        if (error instanceof Error && error.constructor !== Error && error.name !== 'TypeError' && /\$|manifest/.test(error.message)) return 'refused';
        if (error instanceof Error && error.constructor === Error && /manifest/.test(error.message)) return 'refused';
        throw error;
      }
    });
    check(tally);
  });

  it('ML worker messages: every schema guard on random and mutated arguments and answers', () => {
    const random = seededRandom(seed + 8);
    const methods = Object.keys(ML_API_SCHEMA) as (keyof typeof ML_API_SCHEMA)[];
    const goodArgs: Record<string, unknown[]> = {
      tag: [new Uint8Array(4), { ocr: true, classifierIds: ['c1'], maxPixels: 4096 }],
      debugInfo: [],
      preload: [{ ocr: false }],
      importClassifier: [new Uint8Array(4), { name: 'x' }, 'a'.repeat(64)],
    };
    const goodResults: Record<string, unknown> = {
      tag: { labels: [{ label: 'cat', score: 0.9, box: [0, 0, 1, 1], modelId: 'm' }], candidates: [{ label: 'dog', score: 0.15, box: [0, 0, 1, 1], modelId: 'm' }], text: [], classifications: [], pipelineVersion: 'p', ms: 1, timings: {} },
      debugInfo: { backend: 'wasm', threads: 2, crossOriginIsolated: true, sessions: [] },
      preload: { backend: 'wasm', threads: 2, crossOriginIsolated: true, sessions: [] },
      importClassifier: { id: 'c1', name: 'x', labelCount: 3 },
    };
    for (const m of methods) {
      expect(ML_API_SCHEMA[m].args(goodArgs[m])).toBe(true);
      expect(ML_API_SCHEMA[m].result(goodResults[m])).toBe(true);
    }
    const tally = fuzz('ml-api-schema', BUDGET, () => {
      const method = pick(random, methods);
      const side = random() < 0.5 ? 'args' : 'result';
      const base = side === 'args' ? goodArgs[method] : goodResults[method];
      return { method, side, value: random() < 0.85 ? mutateValue(base, random) : randomValue(random) } as const;
    }, ({ method, side, value }) => (ML_API_SCHEMA[method][side](value) ? 'ok' : 'refused'));
    check(tally);
  });

  it('ML worker messages through expose(): each request is answered once, ok or E_BAD_MESSAGE, and the api sees only valid calls', async () => {
    const random = seededRandom(seed + 12);
    const calls: { method: string; args: unknown[] }[] = [];
    const debug = { backend: 'wasm', threads: 2, crossOriginIsolated: true, sessions: [] };
    const record = (method: string, value: unknown) => (...args: unknown[]) => (calls.push({ method, args }), Promise.resolve(value));
    const api = {
      tag: record('tag', { labels: [], candidates: [], text: [], classifications: [], pipelineVersion: 'p', ms: 1, timings: {} }),
      debugInfo: record('debugInfo', debug),
      preload: record('preload', debug),
      importClassifier: record('importClassifier', { id: 'c', name: 'c', labelCount: 1 }),
    } as unknown as MlApi;
    const { port1, port2 } = new MessageChannel();
    expose(api, ML_API_SCHEMA, port1 as unknown as Endpoint);
    port1.start();
    const answers = new Map<number, unknown[]>();
    port2.addEventListener('message', (e: MessageEvent<{ id: number }>) => answers.set(e.data.id, [...(answers.get(e.data.id) ?? []), e.data]));
    port2.start();
    const good = { rpc: 1, id: 0, method: 'tag', args: [new Uint8Array(4), { ocr: false }] };
    const requests = Array.from({ length: 1500 }, (_, id) => {
      const message = random() < 0.9 ? mutateValue({ ...good, method: pick(random, [...Object.keys(ML_API_SCHEMA), 'constructor', '__proto__', 'toString']) }, random) : randomValue(random);
      return typeof message === 'object' && message !== null && !Array.isArray(message) && !(message instanceof Uint8Array) ? { ...message, id } : message;
    });
    const isRequest = (m: unknown): m is { id: number } => {
      const r = m as Record<string, unknown> | null;
      return typeof r === 'object' && r !== null && r.rpc === 1 && typeof r.id === 'number' && typeof r.method === 'string' && Array.isArray(r.args);
    };
    const expected = requests.filter(isRequest).length;
    for (const message of requests) port2.postMessage(message);
    await new Promise<void>((resolve) => {
      const started = Date.now();
      const poll = setInterval(() => {
        if (answers.size < expected && Date.now() - started < 10_000) return;
        clearInterval(poll);
        resolve();
      }, 20);
    });
    port1.close();
    port2.close();
    const replies = [...answers.values()];
    const outcomes = replies.map((r) => {
      const reply = r[0] as { ok: boolean; error?: { code: string } };
      return r.length !== 1 ? 'BUG: answered twice' : reply.ok ? 'ok' : (reply.error?.code ?? 'no code');
    });
    const counts = new Map<string, number>();
    for (const o of outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
    console.log(`ml-worker-messages: sent ${requests.length}, requests ${expected}, answered ${replies.length} [${[...counts].map(([k, n]) => `${k}=${n}`).join(' ')}], api calls ${calls.length}`);
    expect(replies.length).toBe(expected);
    expect([...counts.keys()].every((k) => k === 'ok' || k === 'E_BAD_MESSAGE')).toBe(true);
    expect(calls.every((c) => ML_API_SCHEMA[c.method as keyof typeof ML_API_SCHEMA].args(c.args))).toBe(true);
    expect(calls.length).toBe(counts.get('ok') ?? 0);
  });

  it('vault header: decodeVaultHeader on mutated bytes and mutated JSON fields', () => {
    const random = seededRandom(seed + 9);
    const header = encodeVaultHeader({
      version: 1, vaultId: toBase64Url(cryptoRandomBytes(16)),
      passphrase: { alg: 'argon2id13', salt: cryptoRandomBytes(16), opslimit: 3, memlimit: 67_108_864, wrapped: cryptoRandomBytes(72) },
      recovery: { wrapped: cryptoRandomBytes(72) },
    });
    const json: unknown = JSON.parse(new TextDecoder().decode(header));
    const tally = fuzz('vault-header', BUDGET, () => (random() < 0.5 ? mutateBytes(header, random) : utf8(JSON.stringify(mutateValue(json, random)) ?? '')), (bytes) => {
      const decoded = decodeVaultHeader(bytes);
      if (decoded.ok && (decoded.value.passphrase.salt.length !== 16 || decoded.value.recovery.wrapped.length !== 72)) return 'BUG: accepted a malformed field';
      return codeOf(decoded);
    });
    check(tally);
  });

  it('recovery key text: parseRecoveryKey on mutated and random text', () => {
    const random = seededRandom(seed + 10);
    const text = formatRecoveryKey(cryptoRandomBytes(32));
    const tally = fuzz('recovery-key', BUDGET, () => (random() < 0.9 ? mutateString(text, random) : (randomValue(random) as string)), (input) => {
      const parsed = parseRecoveryKey(input);
      return parsed.ok && parsed.value.length !== 32 ? 'BUG: accepted a malformed field' : codeOf(parsed);
    });
    check(tally);
  });

  it('key envelopes: openKeyEnvelope on mutated envelopes and on mutated bodies re-signed by a member', () => {
    const random = seededRandom(seed + 11);
    const signer = generateSigningKeyPair();
    const recipient = generateBoxKeyPair();
    const place = { notebookId: 'nb', recipientDeviceId: 'ab'.repeat(16), keyId: newKeyId() };
    const envelope = sealKeyEnvelope(place, recipient.publicKey, randomNotebookKey(), 1_700_000_000_000, signer);
    const domain = lengthPrefixed(utf8('obscura/key-envelope/v1'));
    const resign = (body: Uint8Array) => concatBytes(body, sign(signer.secretKey, concatBytes(domain, lengthPrefixed(utf8(place.notebookId)), lengthPrefixed(utf8(place.recipientDeviceId)), lengthPrefixed(utf8(place.keyId)), body)));
    const tally = fuzz('key-envelope', BUDGET, () => {
      const r = random();
      if (r < 0.4) return mutateBytes(envelope, random);
      const plaintext = random() < 0.5 ? mutateBytes(cryptoRandomBytes(40), random) : cryptoRandomBytes(40);
      const sealed = r < 0.7 ? mutateBytes(envelope.subarray(33, envelope.length - 64), random) : sealToPublicKey(recipient.publicKey, plaintext);
      return resign(concatBytes(new Uint8Array([1]), signer.publicKey, sealed));
    }, (bytes) => {
      const opened = openKeyEnvelope(bytes, place, recipient);
      if (!opened) return 'refused';
      return opened.key.length === 32 && Number.isSafeInteger(opened.createdAt) ? 'ok' : 'BUG: accepted a malformed field';
    });
    check(tally);
  });

  it('blob lane messages: decodeLaneMessage on mutated and random bytes; what decodes re-encodes to the same bytes', () => {
    const random = seededRandom(seed + 13);
    const id = 'ab'.repeat(32);
    const corpus = [
      encodeLaneMessage({ type: 'get', request: 7, id, first: 0, count: 4 }),
      encodeLaneMessage({ type: 'piece', request: 7, index: 0, size: 100, bytes: cryptoRandomBytes(100) }),
      encodeLaneMessage({ type: 'missing', request: 9 }),
    ];
    const tally = fuzz('blob-lane', BUDGET, () => (random() < 0.9 ? mutateBytes(pick(random, corpus), random, corpus) : randomBytes(random, 64)), (bytes) => {
      const decoded = decodeLaneMessage(bytes);
      if (!decoded.ok) return decoded.code;
      const again = encodeLaneMessage(decoded.message);
      return again.length === bytes.length && again.every((b, i) => b === bytes[i]) ? 'ok' : 'BUG: decoded message re-encodes differently';
    });
    check(tally);
  });

  it('relay HTTP range headers: parseContentRange / parseByteRange answer a range inside the blob, unsatisfiable, or nothing', () => {
    const random = seededRandom(seed + 14);
    const headers = ['bytes 0-99/1000', 'bytes 900-999/1000', 'bytes=0-99', 'bytes=500-', 'bytes=-200', 'bytes=0-0,5-9'];
    const tally = fuzz('range-headers', BUDGET, () => ({ header: random() < 0.8 ? mutateString(pick(random, headers), random) : String(randomValue(random, 0)), size: pick(random, [0, 1, 100, 1000, 2 ** 40]) }), ({ header, size }) => {
      const content = parseContentRange(header);
      if (content && !(content.start <= content.end && content.end < content.total && Number.isSafeInteger(content.total))) return 'BUG: content range outside its total';
      const range = parseByteRange(header, size);
      if (range === undefined || range === 'unsatisfiable') return content ? 'ok' : 'refused';
      return range.start >= 0 && range.start <= range.end && range.end < size ? 'ok' : 'BUG: byte range outside the blob';
    });
    check(tally);
  });

  it('prints the totals', () => {
    const total = tallies.reduce((n, t) => n + t.tried, 0);
    console.log(`fuzz-formats seed=${seed}: ${tallies.length} parsers, ${total} cases, crashes ${tallies.reduce((n, t) => n + t.crashes.length, 0)}`);
    expect(tallies.length).toBe(14);
  });
});
