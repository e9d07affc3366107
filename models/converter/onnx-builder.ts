import { encodeOnnxModel } from './onnx-proto.ts';
import { onnxTensor, type OnnxTensorData } from './onnx-tensor.ts';
import {
  OnnxAttributeType,
  OnnxDataType,
  type OnnxAttribute,
  type OnnxDim,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './onnx-types.ts';

// Re-exported so a caller writing a small model needs one import.
export { OnnxDataType } from './onnx-types.ts';

/** Wrap a number so it is written as a FLOAT attribute (plain numbers are INT). */
export interface FloatAttr { readonly float: number }
export interface FloatsAttr { readonly floats: readonly number[] }
export const floatAttr = (float: number): FloatAttr => ({ float });
export const floatsAttr = (floats: readonly number[]): FloatsAttr => ({ floats });

export type AttrValue = number | readonly number[] | string | OnnxTensor | FloatAttr | FloatsAttr;

export const DEFAULT_OPSET = 17;

function toAttribute(name: string, value: AttrValue): OnnxAttribute {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: use floatAttr() for ${value}`);
    return { name, type: OnnxAttributeType.INT, i: value };
  }
  if (typeof value === 'string') return { name, type: OnnxAttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: OnnxAttributeType.INTS, ints: [...(value as number[])] };
  if ('float' in value) return { name, type: OnnxAttributeType.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: OnnxAttributeType.FLOATS, floats: [...value.floats] };
  return { name, type: OnnxAttributeType.TENSOR, t: value as OnnxTensor };
}

function claim(used: Set<string>, base: string): string {
  let name = base;
  for (let i = 1; used.has(name); i++) name = `${base}__${i}`;
  used.add(name);
  return name;
}

/**
 * Accumulates an ONNX graph. Used by the TF.js converter and by anything else
 * that needs a small model (tests build a tiny classifier with it).
 */
export class OnnxGraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxTensor[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly outputs: OnnxValueInfo[] = [];
  // Node names and value names are separate namespaces in ONNX.
  private readonly usedValues = new Set<string>();
  private readonly usedNodes = new Set<string>();

  constructor(readonly name = 'graph') {}

  /** A value name not used yet in this graph, derived from `base`. */
  uniqueName(base: string): string {
    return claim(this.usedValues, base);
  }

  input(name: string, elemType: OnnxDataType, shape: readonly OnnxDim[]): string {
    const unique = this.uniqueName(name);
    this.inputs.push({ name: unique, elemType, shape: [...shape] });
    return unique;
  }

  /** Declares an existing value as a graph output. */
  output(name: string, elemType: OnnxDataType, shape?: readonly OnnxDim[]): void {
    this.outputs.push(shape ? { name, elemType, shape: [...shape] } : { name, elemType });
  }

  initializer(base: string, dataType: OnnxDataType, dims: readonly number[], data: OnnxTensorData): string {
    const name = this.uniqueName(base);
    this.initializers.push(onnxTensor(name, dataType, dims, data));
    return name;
  }

  constFloat(base: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.initializer(base, OnnxDataType.FLOAT, dims, Float32Array.from(values));
  }

  /** int64 constant; ONNX wants int64 for shapes, axes, pads and slice bounds. */
  constInt64(base: string, values: readonly (number | bigint)[], dims: readonly number[] = [values.length]): string {
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    return this.initializer(base, OnnxDataType.INT64, dims, data);
  }

  /**
   * Appends a node and returns its output names. Pass `outputs` as a count to
   * get fresh names derived from the node name, or as explicit names.
   */
  node(
    opType: string,
    inputs: readonly string[],
    attrs: Record<string, AttrValue> = {},
    options: { name?: string; outputs?: number | readonly string[] } = {},
  ): string[] {
    const name = claim(this.usedNodes, options.name ?? opType);
    const spec = options.outputs ?? 1;
    const output =
      typeof spec === 'number'
        ? Array.from({ length: spec }, (_, i) => this.uniqueName(spec === 1 ? `${name}:out` : `${name}:out${i}`))
        : spec.map((n) => this.uniqueName(n));
    const attribute = Object.keys(attrs)
      .sort()
      .map((key) => toAttribute(key, attrs[key] as AttrValue));
    this.nodes.push({ name, opType, input: [...inputs], output, attribute });
    return output;
  }

  /** The first output of a one-output node; saves `[0]!` at call sites. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, name?: string): string {
    const [out] = this.node(opType, inputs, attrs, name === undefined ? {} : { name });
    return out as string;
  }

  build(meta: Partial<Omit<OnnxModel, 'graph'>> = {}): OnnxModel {
    return {
      graph: {
        name: this.name,
        node: [...this.nodes],
        initializer: [...this.initializers],
        input: [...this.inputs],
        output: [...this.outputs],
      },
      opsetVersion: meta.opsetVersion ?? DEFAULT_OPSET,
      producerName: meta.producerName ?? 'obscura',
      producerVersion: meta.producerVersion ?? '1',
      ...(meta.docString === undefined ? {} : { docString: meta.docString }),
      ...(meta.metadata === undefined ? {} : { metadata: meta.metadata }),
    };
  }

  toBytes(meta: Partial<Omit<OnnxModel, 'graph'>> = {}): Uint8Array {
    return encodeOnnxModel(this.build(meta));
  }
}
