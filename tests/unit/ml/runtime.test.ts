import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { parseModelManifest, type ModelManifest } from '../../../models/manifest.ts';
import { chooseBackend } from '../../../ml/runtime/choose-backend.ts';
import { MlError } from '../../../ml/runtime/ml-error.ts';
import type { OrtLike } from '../../../ml/runtime/ort-like.ts';
import { createSessionCache } from '../../../ml/runtime/session-cache.ts';
import { sha256Hex } from '../../../ml/runtime/sha256.ts';

const root = process.cwd();
const CLS = 'ppocr-mobile-v2-cls'; // the smallest pinned model (0.6 MB): fast to load
const adapter = (fallback: boolean) => ({ requestAdapter: async () => ({ info: { isFallbackAdapter: fallback } }) });

async function manifest(): Promise<ModelManifest> {
  return parseModelManifest(JSON.parse(await readFile(join(root, 'models/manifest.json'), 'utf8')));
}

/** onnxruntime-node, counting how often a session is created. */
function countingOrt() {
  const created: number[] = [];
  const o: OrtLike = {
    Tensor: ort.Tensor,
    createSession: (bytes) => (created.push(bytes.length), ort.InferenceSession.create(bytes)),
  };
  return { ort: o, created };
}

const fromDisk = (file: string) => readFile(join(root, 'models', file)).then((b) => new Uint8Array(b));

async function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(() => 'resolved', (e: unknown) => (e instanceof MlError ? e.code : String(e)));
}

describe('chooseBackend', () => {
  it('no adapter (as here): wasm with one thread per core when cross-origin isolated', async () => {
    const gpu = { requestAdapter: async () => null };
    expect(await chooseBackend({ gpu, hardwareConcurrency: 2, crossOriginIsolated: true })).toEqual({ backend: 'wasm', threads: 2, crossOriginIsolated: true });
  });

  it('not isolated: one thread (ORT would silently drop to one anyway)', async () => {
    expect(await chooseBackend({ hardwareConcurrency: 8, crossOriginIsolated: false })).toMatchObject({ backend: 'wasm', threads: 1 });
  });

  it('one worker of a pool takes its share of the cores, never more than there are', async () => {
    expect(await chooseBackend({ hardwareConcurrency: 2, crossOriginIsolated: true, maxThreads: 1 })).toMatchObject({ backend: 'wasm', threads: 1 });
    expect(await chooseBackend({ hardwareConcurrency: 2, crossOriginIsolated: true, maxThreads: 4 })).toMatchObject({ backend: 'wasm', threads: 2 });
  });

  it('never a fallback (SwiftShader) adapter, in either place Chromium has reported it', async () => {
    expect((await chooseBackend({ gpu: adapter(true), hardwareConcurrency: 2, crossOriginIsolated: true })).backend).toBe('wasm');
    const old = { requestAdapter: async () => ({ isFallbackAdapter: true }) };
    expect((await chooseBackend({ gpu: old, hardwareConcurrency: 2, crossOriginIsolated: true })).backend).toBe('wasm');
  });

  it('a real adapter: webgpu; a throwing requestAdapter: wasm', async () => {
    expect((await chooseBackend({ gpu: adapter(false), crossOriginIsolated: true })).backend).toBe('webgpu');
    const broken = { requestAdapter: async () => Promise.reject(new Error('GPU process crashed')) };
    expect((await chooseBackend({ gpu: broken, hardwareConcurrency: 2, crossOriginIsolated: true })).backend).toBe('wasm');
  });
});

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 "abc" vector', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('session cache (onnxruntime-node, pinned models from models/generated)', () => {
  it('creates one session per model id even when asked twice at once, and times it', async () => {
    const { ort: o, created } = countingOrt();
    const cache = createSessionCache(await manifest(), o, fromDisk);
    const [a, b] = await Promise.all([cache.session(CLS), cache.session(CLS)]);
    expect(a).toBe(b);
    expect(await cache.session(CLS)).toBe(a);
    expect(created).toHaveLength(1);
    expect(cache.timings()).toEqual([{ modelId: CLS, createMs: expect.any(Number), warmUpMs: expect.any(Number) }]);
  });

  it('E_MODEL_HASH: a model whose bytes differ from the manifest never reaches onnxruntime', async () => {
    const m = await manifest();
    const tampered: ModelManifest = { ...m, models: m.models.map((e) => (e.id === CLS ? { ...e, sha256: '0'.repeat(64) } : e)) };
    const { ort: o, created } = countingOrt();
    const cache = createSessionCache(tampered, o, fromDisk);
    expect(await codeOf(cache.session(CLS))).toBe('E_MODEL_HASH');
    expect(created).toEqual([]);
  });

  it('E_MODEL_FETCH then a retry that works; E_MODEL_UNKNOWN for an unknown id', async () => {
    let fail = true;
    const flaky = (file: string) => (fail ? Promise.reject(new Error('offline')) : fromDisk(file));
    const cache = createSessionCache(await manifest(), countingOrt().ort, flaky);
    expect(await codeOf(cache.session(CLS))).toBe('E_MODEL_FETCH');
    fail = false;
    expect(await codeOf(cache.session(CLS))).toBe('resolved');
    expect(await codeOf(cache.session('no-such-model'))).toBe('E_MODEL_UNKNOWN');
  });

  it('label files are verified too', async () => {
    const m = await manifest();
    const cache = createSessionCache(m, countingOrt().ort, fromDisk);
    expect((await cache.labelsText('centernet-mobilenetv3-coco80')).split('\n')[15]).toBe('cat');
    const corrupt = createSessionCache(m, countingOrt().ort, async () => new TextEncoder().encode('dog\n'));
    expect(await codeOf(corrupt.labelsText('centernet-mobilenetv3-coco80'))).toBe('E_MODEL_HASH');
  });
});
