import { ConvertContext } from './convert-context.ts';
import { danglingOutputs, orderForOutputs } from './graph-order.ts';
import { fuseHardSwish } from './fuse-hard-swish.ts';
import { DEFAULT_OPSET, OnnxGraphBuilder } from './onnx-builder.ts';
import { encodeOnnxModel } from './onnx-proto.ts';
import { OnnxDataType, type OnnxDim } from './onnx-types.ts';
import { OP_MAPPERS } from './ops/registry.ts';
import { onnxTypeOf } from './tf-dtype.ts';
import type { TfjsGraphModel, TfNode } from './tfjs-graph.ts';
import type { TfConstTensor } from './weights.ts';

/** Bump when a change to the converter changes the bytes it writes. */
export const CONVERTER_VERSION = '1';

export interface ConvertOptions {
  /** Graph name written into the model. */
  readonly name?: string;
  /** TF tensor names to expose; default: the signature, else dangling nodes. */
  readonly outputs?: readonly string[];
  /** Free-form provenance written into metadata_props (e.g. source sha256). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Keep float16-quantized weights as FLOAT16 + Cast (half the size). */
  readonly keepFloat16?: boolean;
  /** Rewrite hard-swish/hard-sigmoid chains into HardSwish/HardSigmoid (fuse-hard-swish.ts). */
  readonly fuseHardSwish?: boolean;
}

const STRUCTURAL = new Set(['Const', 'Placeholder', 'NoOp']);

/** The error every unsupported op produces; tests rely on op and node appearing. */
export function unsupportedOp(node: TfNode): Error {
  return new Error(`Unsupported TensorFlow op "${node.op}" at node "${node.name}"`);
}

function placeholder(ctx: ConvertContext, node: TfNode): void {
  const a = ctx.attrs(node);
  const dims = a.shape('shape');
  if (!dims) throw new Error(`placeholder "${node.name}": unknown rank is not supported`);
  // TF writes -1 for a free dimension; ONNX names it instead.
  const shape: OnnxDim[] = dims.map((d, i) => (d >= 0 ? d : i === 0 ? 'batch' : `${node.name}_d${i}`));
  const elem = onnxTypeOf(a.type('dtype', 'DT_FLOAT'), `placeholder "${node.name}"`);
  ctx.setOutput(node, ctx.b.input(node.name, elem, shape));
}

/** Best-effort element type of a TF output, for the graph's output declaration. */
function outputType(node: TfNode, index: number): OnnxDataType {
  if (node.op === 'TopKV2' && index === 1) return OnnxDataType.INT32;
  const a = node.attr;
  for (const key of ['DstT', 'T', 'dtype']) {
    const v = a[key];
    if (v?.kind === 'type') return onnxTypeOf(v.value, `node "${node.name}"`);
  }
  return OnnxDataType.FLOAT;
}

/**
 * Converts a validated TF.js graph model plus its decoded weights into ONNX
 * bytes. Tensors stay NHWC; see ops/layout.ts for why.
 */
export function convertTfjsGraph(
  model: TfjsGraphModel,
  weights: ReadonlyMap<string, TfConstTensor>,
  options: ConvertOptions = {},
): Uint8Array {
  const outputs = options.outputs ?? (model.signatureOutputs.length ? model.signatureOutputs : danglingOutputs(model.nodes));
  const order = orderForOutputs(model.nodes, outputs);
  // Reject unsupported ops before doing any work, naming the first one.
  for (const node of order) if (!STRUCTURAL.has(node.op) && !OP_MAPPERS.has(node.op)) throw unsupportedOp(node);

  const ctx = new ConvertContext(new OnnxGraphBuilder(options.name ?? 'tfjs_graph'), weights, options.keepFloat16);
  for (const node of order) {
    if (node.op === 'Const' || node.op === 'NoOp') continue;
    if (node.op === 'Placeholder') placeholder(ctx, node);
    else (OP_MAPPERS.get(node.op) as NonNullable<ReturnType<typeof OP_MAPPERS.get>>)(node, ctx);
  }

  const byName = new Map(model.nodes.map((n) => [n.name, n]));
  for (const out of outputs) {
    const [nodeName, index = '0'] = out.split(':') as [string, string?];
    const value = ctx.valueOf(out);
    const node = byName.get(nodeName);
    if (value === undefined || !node) throw new Error(`output "${out}" was not produced`);
    const wanted = index === '0' ? nodeName : out;
    const [name] = ctx.b.node('Identity', [value], {}, { name: `${wanted}/output`, outputs: [wanted] });
    if (name !== wanted) throw new Error(`output name "${wanted}" clashes with another value`);
    ctx.b.output(wanted, outputType(node, Number(index)));
  }
  const bytes = encodeOnnxModel(
    ctx.b.build({
      opsetVersion: DEFAULT_OPSET,
      producerName: 'obscura-tfjs2onnx',
      producerVersion: CONVERTER_VERSION,
      ...(options.metadata ? { metadata: { ...options.metadata } } : {}),
    }),
  );
  return options.fuseHardSwish ? fuseHardSwish(bytes).model : bytes;
}
