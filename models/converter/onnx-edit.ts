import { ModelProtoType } from './onnx-schema.ts';
import { float16ToFloat32 } from './onnx-tensor.ts';
import { OnnxDataType } from './onnx-types.ts';

/**
 * Decoded ONNX messages as the passes over existing models (ours or copied
 * ones) edit them. Only the fields of onnx-schema.ts survive a decode/encode
 * round trip; the models we rewrite use no others.
 */
export interface EditTensor {
  name: string;
  dataType: number;
  dims: number[];
  rawData?: Uint8Array;
  floatData?: number[];
}
export interface EditAttr { name: string; type: number; i?: number; f?: number; t?: EditTensor }
export interface EditNode { name?: string; opType: string; domain?: string; input: string[]; output: string[]; attribute?: EditAttr[] }
export interface EditGraph { node: EditNode[]; initializer: EditTensor[]; input: { name: string }[]; output: { name: string }[] }
export interface EditModel { graph: EditGraph; opsetImport: { domain?: string; version: number }[] }

export function decodeForEdit(bytes: Uint8Array): EditModel {
  const model = ModelProtoType.toObject(ModelProtoType.decode(bytes), { longs: Number, defaults: false }) as unknown as EditModel;
  const g = model.graph;
  g.node ??= [];
  g.initializer ??= [];
  g.input ??= [];
  g.output ??= [];
  for (const n of g.node) n.input ??= [];
  return model;
}

export function encodeEdited(model: EditModel): Uint8Array {
  return ModelProtoType.encode(ModelProtoType.fromObject(model as unknown as Record<string, unknown>)).finish();
}

/** The values of a FLOAT tensor (raw_data or float_data). */
export function tensorFloats(t: EditTensor): Float32Array {
  if (t.dataType !== OnnxDataType.FLOAT) throw new Error(`tensor ${t.name} is not FLOAT`);
  if (t.rawData && t.rawData.byteLength > 0) {
    const copy = new Uint8Array(t.rawData); // a copy, aligned (protobufjs hands out Buffer views)
    return new Float32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4);
  }
  return Float32Array.from(t.floatData ?? []);
}

/** Every node reading each value. */
export function consumersOf(graph: EditGraph): Map<string, EditNode[]> {
  const m = new Map<string, EditNode[]>();
  for (const n of graph.node) for (const i of n.input) if (i) m.set(i, [...(m.get(i) ?? []), n]);
  return m;
}

/** Raises the default-domain opset to at least `version` (ops a pass adds need it). */
export function requireOpset(model: EditModel, version: number): void {
  for (const o of model.opsetImport) if (!o.domain && o.version < version) o.version = version;
}

/**
 * Values of the graph's constant FLOAT scalars: initializers, Constant nodes,
 * and FLOAT16 initializers cast to FLOAT.
 */
export function scalarConstants(graph: EditGraph): Map<string, number> {
  const out = new Map<string, number>();
  const take = (name: string, t: EditTensor | undefined): void => {
    if (!t || t.dataType !== OnnxDataType.FLOAT) return;
    const v = tensorFloats(t);
    if (v.length === 1) out.set(name, v[0] as number);
  };
  for (const t of graph.initializer) take(t.name, t);
  const halves = new Map<string, number>();
  for (const t of graph.initializer) {
    if (t.dataType === OnnxDataType.FLOAT16 && t.rawData?.byteLength === 2) halves.set(t.name, float16ToFloat32((t.rawData[0] as number) | ((t.rawData[1] as number) << 8)));
  }
  for (const n of graph.node) {
    if (n.domain) continue;
    if (n.opType === 'Constant') take(n.output[0] as string, n.attribute?.find((a) => a.name === 'value')?.t);
    // keepFloat16 conversions hold constants as FLOAT16 behind a Cast to FLOAT.
    const to = n.attribute?.find((a) => a.name === 'to')?.i;
    const half = halves.get(n.input[0] ?? '');
    if (n.opType === 'Cast' && to === OnnxDataType.FLOAT && half !== undefined) out.set(n.output[0] as string, half);
  }
  return out;
}
