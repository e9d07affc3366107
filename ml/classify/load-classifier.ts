import type { RgbaImage } from '../image/rgba-image.ts';
import { MlError, toMlErrorValue } from '../runtime/ml-error.ts';
import type { OrtLike } from '../runtime/ort-like.ts';
import { sha256Hex } from '../runtime/sha256.ts';
import { classifierInput } from './classifier-input.ts';
import type { ClassifierSpec } from './classifier-spec.ts';
import { estimateGraphCost } from './graph-cost.ts';
import { readOnnxGraph } from './onnx-graph.ts';
import { topKScores, type ClassScore } from './top-k-scores.ts';

export type Classifier = {
  /** `clf-<first 16 hex of sha256>`: stable across devices for the same file. */
  readonly id: string;
  readonly sha256: string;
  readonly spec: ClassifierSpec;
  classify(image: RgbaImage): Promise<ClassScore[]>;
};

/** `clf-<first 16 hex of sha256>`, the id an imported classifier has everywhere. */
export const classifierIdOf = (sha256: string): string => `clf-${sha256.toLowerCase().slice(0, 16)}`;

/**
 * Verify an imported model's bytes against the sha256 recorded when it was
 * imported (every load: stored bytes can rot or be swapped), check what its graph
 * costs per photo (E_MODEL_COST, before onnxruntime sees it), create a session,
 * check its inputs/outputs against the spec, and return a classifier.
 * The spec must come from validateClassifierSpec.
 */
export async function loadClassifier(
  bytes: Uint8Array,
  spec: ClassifierSpec,
  expectedSha256: string,
  ort: OrtLike,
): Promise<Classifier> {
  const sha256 = await sha256Hex(bytes);
  if (sha256 !== expectedSha256.toLowerCase()) {
    throw new MlError('E_MODEL_HASH', `${spec.name}: sha256 ${sha256} is not the recorded ${expectedSha256}`);
  }
  const id = classifierIdOf(sha256);
  const graph = readOnnxGraph(bytes);
  if (!graph) throw new MlError('E_MODEL_LOAD', `${spec.name}: not an ONNX model`);
  const dims = spec.layout === 'NCHW' ? [1, 3, spec.size, spec.size] : [1, spec.size, spec.size, 3];
  const cost = estimateGraphCost(graph, new Map([[spec.inputName, dims]]));
  if (!cost.ok) throw new MlError('E_MODEL_COST', `${spec.name}: ${cost.reason}`, id);
  let session;
  try {
    session = await ort.createSession(bytes);
  } catch (err) {
    throw new MlError('E_MODEL_LOAD', `${spec.name}: ${toMlErrorValue(err, 'E_MODEL_LOAD').message}`);
  }
  if (!session.inputNames.includes(spec.inputName)) {
    throw new MlError('E_MODEL_IO', `${spec.name}: no input "${spec.inputName}" (model has ${session.inputNames.join(', ')})`);
  }
  const outputName = spec.outputName ?? session.outputNames[0];
  if (outputName === undefined || !session.outputNames.includes(outputName)) {
    throw new MlError('E_MODEL_IO', `${spec.name}: no output "${String(outputName)}"`);
  }
  return {
    id,
    sha256,
    spec,
    async classify(image) {
      const { data, dims } = classifierInput(image, spec);
      // A new tensor per run: ORT may detach the buffer it was given.
      const out = (await session.run({ [spec.inputName]: new ort.Tensor('float32', data, dims) }))[outputName];
      if (!out || out.type !== 'float32') throw new MlError('E_MODEL_IO', `${spec.name}: output is not float32`);
      const scores = out.data as Float32Array;
      if (scores.length !== spec.labels.length) {
        throw new MlError('E_MODEL_IO', `${spec.name}: ${scores.length} outputs but ${spec.labels.length} labels`);
      }
      return topKScores(scores, spec.labels, spec.topK, spec.output);
    },
  };
}
