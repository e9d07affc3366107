import { ModelProtoType } from './onnx-schema.ts';
import type { OnnxModel, OnnxValueInfo } from './onnx-types.ts';

/**
 * ONNX IR version 8 is the one that goes with opset 17/18; ORT 1.30 reads it.
 */
const IR_VERSION = 8;

function valueInfo(v: OnnxValueInfo) {
  const tensorType: Record<string, unknown> = { elemType: v.elemType };
  if (v.shape) {
    tensorType.shape = {
      dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
    };
  }
  return { name: v.name, type: { tensorType } };
}

/**
 * Serialises a model to ONNX protobuf bytes.
 *
 * Note: the output is a pure function of the input (no timestamps, no map
 * iteration over unordered keys), so a build produces the same bytes every
 * time and models/manifest.json can carry their sha256.
 */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const metadata = Object.keys(model.metadata ?? {})
    .sort()
    .map((key) => ({ key, value: model.metadata?.[key] ?? '' }));
  const message = ModelProtoType.fromObject({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: model.opsetVersion }],
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    docString: model.docString ?? '',
    metadataProps: metadata,
    graph: {
      name: model.graph.name,
      node: model.graph.node,
      initializer: model.graph.initializer,
      input: model.graph.input.map(valueInfo),
      output: model.graph.output.map(valueInfo),
    },
  });
  return ModelProtoType.encode(message).finish();
}

/** Decoded model as a plain object, for tests and debugging tools. */
export function decodeOnnxModel(bytes: Uint8Array): Record<string, unknown> {
  return ModelProtoType.toObject(ModelProtoType.decode(bytes), { longs: Number, bytes: Array });
}
