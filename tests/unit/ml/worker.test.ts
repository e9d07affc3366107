import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseModelManifest, type ModelManifest } from '../../../models/manifest.ts';
import { findFaces } from '../../../ml/faces/find-faces.ts';
import { decodeNode } from '../../../ml/image/decode-node.ts';
import { pipelineVersionFor } from '../../../ml/pipeline/pipeline-version.ts';
import { MlError } from '../../../ml/runtime/ml-error.ts';
import { sha256Hex } from '../../../ml/runtime/sha256.ts';
import type { MlApi } from '../../../ml/worker/ml-api.ts';
import { ML_API_SCHEMA } from '../../../ml/worker/ml-api-schema.ts';
import { expose, wrap, type Endpoint, type Remote } from '../../../ml/worker/rpc.ts';
import { createTagger } from '../../../ml/worker/tagger.ts';
import { COLOUR_LABELS, colourClassifier } from './classify-models.ts';

const root = process.cwd();
const photo = (name: string) => readFile(join(root, 'tests/fixtures/photos', name)).then((b) => new Uint8Array(b));
let channel: MessageChannel;
const channels: MessageChannel[] = [];

/** The real tagger behind the real RPC over a real MessageChannel; onnxruntime-node instead of -web. */
function serve(manifest: ModelManifest): Remote<MlApi> {
  channel = new MessageChannel();
  channels.push(channel);
  const tagger = createTagger({
    manifest,
    chooseBackend: async () => ({ backend: 'wasm', threads: 2, crossOriginIsolated: false }),
    loadOrt: async () => ({
      Tensor: ort.Tensor,
      createSession: (bytes) => ort.InferenceSession.create(bytes, { intraOpNumThreads: 2 }),
    }),
    fetchFile: (file) => readFile(join(root, 'models', file)).then((b) => new Uint8Array(b)),
    decode: decodeNode,
  });
  expose(tagger, ML_API_SCHEMA, channel.port1 as unknown as Endpoint);
  return wrap<MlApi>(ML_API_SCHEMA, channel.port2 as unknown as Endpoint);
}

let manifest: ModelManifest;
let ml: Remote<MlApi>;

beforeAll(async () => {
  manifest = parseModelManifest(JSON.parse(await readFile(join(root, 'models/manifest.json'), 'utf8')));
  ml = serve(manifest);
});
afterAll(() => channels.forEach((c) => c.port1.close()));

describe('tagger behind the worker RPC (onnxruntime-node)', () => {
  it('tags chelsea.jpg as a cat, moving (not copying) the image bytes', async () => {
    const bytes = await photo('chelsea.jpg');
    const r = await ml.call('tag', [bytes, { ocr: false }], [bytes.buffer]);
    expect(bytes.byteLength).toBe(0); // transferred
    expect(r.error).toBeUndefined();
    expect(r.labels[0]).toMatchObject({ label: 'cat', modelId: 'centernet-mobilenetv3-coco80' });
    expect(r.pipelineVersion).toBe('pipeline@3+detector@centernet-mobilenetv3-coco80:1.0.0');
    // The app can compute the same version without the worker, to find photos to re-index.
    expect(pipelineVersionFor(manifest, { ocr: false })).toBe(r.pipelineVersion);
  });

  it('preload loads each model once, before any photo', async () => {
    const fresh = serve(manifest);
    const info = await fresh.call('preload', [{ ocr: false }]);
    expect(info.sessions.map((s) => s.modelId)).toEqual(['centernet-mobilenetv3-coco80']);
    await fresh.call('tag', [await photo('coffee.jpg'), { ocr: false }]);
    expect((await fresh.call('debugInfo', [])).sessions).toHaveLength(1);
  });

  it('reads text with OCR and names the OCR models in the pipeline version', async () => {
    const r = await ml.call('tag', [await photo('text-card.jpg'), {}]);
    expect(r.error).toBeUndefined();
    expect(r.text.map((l) => l.text).join('\n')).toMatch(/Receipt/);
    expect(r.pipelineVersion).toContain('+ocr@ppocr-v4-det:1.0.0,ppocr-mobile-v2-cls:1.0.0,ppocr-v4-rec:1.0.0');
    const info = await ml.call('debugInfo', []);
    expect(info.sessions.map((s) => s.modelId).sort()).toEqual(
      ['centernet-mobilenetv3-coco80', 'ppocr-mobile-v2-cls', 'ppocr-v4-det', 'ppocr-v4-rec'],
    );
  });

  it('finds and embeds faces when asked, on the code path of npm run tag, and names the face models in the version', async () => {
    const bytes = await photo('astronaut.jpg');
    const plain = await ml.call('tag', [bytes.slice(), { ocr: false }]);
    expect(plain.faces).toBeUndefined();
    const r = await ml.call('tag', [bytes.slice(), { ocr: false, faces: true }]);
    expect(r.error).toBeUndefined();
    expect(r.pipelineVersion).toBe('pipeline@3+detector@centernet-mobilenetv3-coco80:1.0.0+faces@blazeface-back:1.0.0,faceres:1.0.0');
    expect(pipelineVersionFor(manifest, { ocr: false, faces: true })).toBe(r.pipelineVersion);
    expect(r.faces).toHaveLength(1);
    expect(r.timings.facesMs).toBeGreaterThan(0);
    // What the CLI's step gives on the same photo, with its own sessions.
    const decoded = await decodeNode(bytes, { maxPixels: 4_000_000 });
    if (!decoded.ok) throw new Error(decoded.code);
    const session = (task: string) => ort.InferenceSession.create(join(root, 'models', manifest.models.find((m) => m.task === task)!.file));
    const [direct] = await findFaces(decoded.image, { detect: await session('face-detect'), embed: await session('face-embed'), Tensor: ort.Tensor });
    const face = r.faces![0]!;
    face.box.forEach((v, i) => expect(v).toBeCloseTo(direct!.box[i]!, 3));
    expect(Math.max(...face.embedding.map((v, i) => Math.abs(v - direct!.embedding[i]!)))).toBeLessThan(1e-5);
  });

  it('runs an imported classifier in the same pipeline', async () => {
    const model = colourClassifier();
    const spec = { name: 'Colours', inputName: 'pixels', size: 32, labels: COLOUR_LABELS };
    const imported = await ml.call('importClassifier', [model, spec, await sha256Hex(model)]);
    const red = new Uint8Array(await sharp({ create: { width: 40, height: 30, channels: 3, background: '#f00' } }).png().toBuffer());
    const r = await ml.call('tag', [red, { ocr: false, classifierIds: [imported.id] }]);
    expect(r.classifications[0]).toMatchObject({ classifierId: imported.id, name: 'Colours' });
    expect(r.classifications[0]!.labels[0]!.label).toBe('red');
    expect(r.pipelineVersion).toContain(`+classify@${imported.id}`);
  });

  it('a photo that cannot be decoded is an error value, not a crash', async () => {
    const r = await ml.call('tag', [new TextEncoder().encode('%PDF-1.7 not a photo'), {}]);
    expect(r.error?.code).toBe('E_IMAGE_UNSUPPORTED');
    expect(r.labels).toEqual([]);
    expect(r.pipelineVersion).toMatch(/^pipeline@/);
  });

  it('E_MODEL_HASH: a swapped detector is refused, and tag says so', async () => {
    const swapped: ModelManifest = {
      ...manifest,
      models: manifest.models.map((m) => (m.task === 'detect' ? { ...m, sha256: 'f'.repeat(64) } : m)),
    };
    const r = await serve(swapped).call('tag', [await photo('coffee.jpg'), { ocr: false }]);
    expect(r.error?.code).toBe('E_MODEL_HASH');
  });

  it('E_BAD_MESSAGE: calls that fail the schema, and unknown or inherited methods', async () => {
    const raw = wrap(ML_API_SCHEMA, channel.port2 as unknown as Endpoint) as unknown as {
      call(m: string, a: unknown[]): Promise<unknown>;
    };
    const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => (e instanceof MlError ? e.code : String(e)));
    expect(await codeOf(raw.call('tag', ['not bytes', {}]))).toBe('E_BAD_MESSAGE');
    expect(await codeOf(raw.call('tag', [new Uint8Array(4), { maxPixels: -1 }]))).toBe('E_BAD_MESSAGE');
    expect(await codeOf(raw.call('importClassifier', [new Uint8Array(4), {}, 'not-a-sha']))).toBe('E_BAD_MESSAGE');
    expect(await codeOf(raw.call('constructor', []))).toBe('E_BAD_MESSAGE');
    expect(await codeOf(raw.call('toString', []))).toBe('E_BAD_MESSAGE');
  });

  it('E_BAD_MESSAGE: an answer that fails its schema is refused on the calling side', async () => {
    const { port1, port2 } = new MessageChannel();
    port1.addEventListener('message', (e: MessageEvent<{ id: number }>) => port1.postMessage({ rpc: 1, id: e.data.id, ok: true, value: { backend: 'cuda' } }));
    port1.start();
    const remote = wrap<MlApi>(ML_API_SCHEMA, port2 as unknown as Endpoint);
    port2.start();
    await expect(remote.call('debugInfo', [])).rejects.toMatchObject({ code: 'E_BAD_MESSAGE' });
    port1.close();
  });

  it('E_BAD_MESSAGE: a face whose embedding is not 1024 numbers is refused on the calling side', async () => {
    const { port1, port2 } = new MessageChannel();
    const answer = { labels: [], candidates: [], text: [], classifications: [], pipelineVersion: 'p', ms: 1, timings: {} };
    const face = (embedding: number[]) => ({ ...answer, faces: [{ box: [0, 0, 1, 1], score: 0.9, embedding }] });
    port1.addEventListener('message', (e: MessageEvent<{ id: number; args: [unknown, { maxPixels?: number }] }>) =>
      port1.postMessage({ rpc: 1, id: e.data.id, ok: true, value: face(e.data.args[1].maxPixels === 2048 ? new Array<number>(1024).fill(0.03125) : [1, 2, 3]) }),
    );
    port1.start();
    const remote = wrap<MlApi>(ML_API_SCHEMA, port2 as unknown as Endpoint);
    port2.start();
    await expect(remote.call('tag', [new Uint8Array(1), { faces: true }])).rejects.toMatchObject({ code: 'E_BAD_MESSAGE' });
    expect((await remote.call('tag', [new Uint8Array(1), { faces: true, maxPixels: 2048 }])).faces).toHaveLength(1);
    port1.close();
  });
});
