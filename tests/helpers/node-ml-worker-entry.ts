/**
 * The ML worker for Node tests, in a worker thread: the real tagger behind the real RPC,
 * with onnxruntime-web's own wasm (its Node build, one thread) as in the browser, so
 * `terminate()` stops a run in the middle exactly as it does there (a native
 * onnxruntime-node run would go on until it returns). What differs from the browser's
 * ml.worker.ts: models and decoding come from disk and sharp.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-web';
import { parseModelManifest } from '../../ml/runtime/model-manifest.ts';
import { decodeNode } from '../../ml/image/decode-node.ts';
import { ML_API_SCHEMA } from '../../ml/worker/ml-api-schema.ts';
import { expose, stageReporter, type Endpoint } from '../../ml/worker/rpc.ts';
import { createTagger } from '../../ml/worker/tagger.ts';

const root = join(import.meta.dirname, '..', '..');
ort.env.wasm.numThreads = 1;
const endpoint = parentPort as unknown as Endpoint;
const manifest = parseModelManifest(JSON.parse(await readFile(join(root, 'models', 'manifest.json'), 'utf8')));
const tagger = createTagger({
  manifest,
  chooseBackend: async () => ({ backend: 'wasm', threads: 1, crossOriginIsolated: false }),
  loadOrt: async () => ({ Tensor: ort.Tensor, createSession: (bytes) => ort.InferenceSession.create(bytes) }),
  fetchFile: (file) => readFile(join(root, 'models', file)).then((b) => new Uint8Array(b)),
  decode: decodeNode,
  onStage: stageReporter(endpoint),
});
expose(tagger, ML_API_SCHEMA, endpoint);
