import {
  consumersOf,
  decodeForEdit as decode,
  encodeEdited as encode,
  requireOpset,
  tensorFloats as floats,
  type EditNode as Node,
  type EditTensor as Tensor,
} from './onnx-edit.ts';
import { OnnxDataType } from './onnx-types.ts';

/** Observed float range of one activation tensor, from calibration runs. */
export interface ValueRange {
  readonly min: number;
  readonly max: number;
}

function raw(data: Float32Array | Int32Array | Int8Array | Uint8Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}

/**
 * The activation a Conv's result is quantized at: the Conv output itself, or
 * the output of a Relu/Clip that is its only consumer (ORT then folds the
 * activation into the quantized range, as the Python quantizer does).
 */
function convResult(conv: Node, consumers: ReadonlyMap<string, Node[]>, graphOutputs: ReadonlySet<string>): string {
  const y = conv.output[0] as string;
  const users = consumers.get(y) ?? [];
  const only = users[0];
  if (users.length === 1 && only && (only.opType === 'Relu' || only.opType === 'Clip') && !graphOutputs.has(y)) return only.output[0] as string;
  return y;
}

export interface QdqOptions {
  /** Convs (by first output name) to leave in float, e.g. the ones quantization hurts most. */
  readonly exclude?: ReadonlySet<string>;
  /** Only these Convs (by first output name); for per-layer sensitivity runs. */
  readonly only?: ReadonlySet<string>;
}

// A Conv writing a graph output is left in float: ORT fuses no node whose output leaves the graph.
const isQuantizableConv = (n: Node, inits: ReadonlyMap<string, Tensor>, o: QdqOptions, graphOutputs: ReadonlySet<string>): boolean =>
  n.opType === 'Conv' &&
  !graphOutputs.has(n.output[0] as string) &&
  !n.domain &&
  !o.exclude?.has(n.output[0] as string) &&
  (o.only === undefined || o.only.has(n.output[0] as string)) &&
  inits.has(n.input[1] ?? '') &&
  (n.input[2] === undefined || n.input[2] === '' || inits.has(n.input[2]));

/**
 * Names of the activations {@link quantizeConvQdq} needs a range for, in
 * graph order: every Conv input and every Conv result.
 */
export function qdqCalibrationTensors(bytes: Uint8Array, options: QdqOptions = {}): string[] {
  const model = decode(bytes);
  const g = model.graph;
  const inits = new Map(g.initializer.map((t) => [t.name, t]));
  const consumers = consumersOf(g);
  const outs = new Set(g.output.map((o) => o.name));
  const names: string[] = [];
  for (const n of g.node) {
    if (!isQuantizableConv(n, inits, options, outs)) continue;
    for (const t of [n.input[0] as string, convResult(n, consumers, outs)]) if (!names.includes(t)) names.push(t);
  }
  return names;
}

/** First outputs of the graph's Convs, in graph order (how `exclude`/`only` name them). */
export function convOutputs(bytes: Uint8Array): string[] {
  return decode(bytes).graph.node.filter((n) => n.opType === 'Conv' && !n.domain).map((n) => n.output[0] as string);
}

/** The model with extra float outputs, so a calibration run can read intermediate tensors. */
export function withExtraOutputs(bytes: Uint8Array, names: readonly string[]): Uint8Array {
  const model = decode(bytes);
  const have = new Set(model.graph.output.map((o) => o.name));
  for (const name of names) {
    if (!have.has(name)) model.graph.output.push({ name, type: { tensorType: { elemType: OnnxDataType.FLOAT } } } as unknown as { name: string });
  }
  return encode(model);
}

/** uint8 asymmetric parameters covering [min, max] and 0, as onnxruntime's MinMax calibrator. */
export function activationParams(r: ValueRange): { scale: number; zeroPoint: number } {
  const lo = Math.min(0, r.min);
  const hi = Math.max(0, r.max);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  return { scale: Math.fround(scale), zeroPoint: Math.min(255, Math.max(0, Math.round(-lo / scale))) };
}

/**
 * Static int8 quantization in QDQ form of every Conv with constant weights:
 * weights per output channel as symmetric int8, bias as int32 at
 * input scale x weight scale, and QuantizeLinear/DequantizeLinear pairs (uint8,
 * calibrated ranges) on each Conv input and result. onnxruntime fuses
 * DQ -> Conv -> Q into QLinearConv at session creation; everything between
 * two Convs stays float. `ranges` must hold every name of
 * {@link qdqCalibrationTensors}.
 */
export function quantizeConvQdq(bytes: Uint8Array, ranges: ReadonlyMap<string, ValueRange>, options: QdqOptions = {}): Uint8Array {
  const model = decode(bytes);
  const g = model.graph;
  const inits = new Map(g.initializer.map((t) => [t.name, t]));
  const consumers = consumersOf(g);
  const outs = new Set(g.output.map((o) => o.name));
  const convs = g.node.filter((n) => isQuantizableConv(n, inits, options, outs));

  const act = new Map<string, { scale: number; zeroPoint: number }>();
  for (const n of convs) {
    for (const t of [n.input[0] as string, convResult(n, consumers, outs)]) {
      const r = ranges.get(t);
      if (!r) throw new Error(`quantize: no calibration range for "${t}"`);
      act.set(t, activationParams(r));
    }
  }

  const added: Tensor[] = [];
  const weightNodes: Node[] = [];
  const dqName = (t: string) => `${t}__dq`;
  for (const n of convs) {
    const x = n.input[0] as string;
    const xs = (act.get(x) as { scale: number }).scale;
    const w = floats(inits.get(n.input[1] as string) as Tensor);
    const wt = inits.get(n.input[1] as string) as Tensor;
    const cout = wt.dims[0] as number;
    const per = w.length / cout;
    const q = new Int8Array(w.length);
    const ws = new Float32Array(cout);
    for (let c = 0; c < cout; c++) {
      let m = 0;
      for (let k = 0; k < per; k++) m = Math.max(m, Math.abs(w[c * per + k] as number));
      const s = m > 0 ? Math.fround(m / 127) : 1;
      ws[c] = s;
      for (let k = 0; k < per; k++) q[c * per + k] = Math.max(-127, Math.min(127, Math.round((w[c * per + k] as number) / s)));
    }
    const base = n.output[0] as string;
    added.push(
      { name: `${base}__wq`, dataType: OnnxDataType.INT8, dims: [...wt.dims], rawData: raw(q) },
      { name: `${base}__ws`, dataType: OnnxDataType.FLOAT, dims: [cout], rawData: raw(ws) },
      { name: `${base}__wz`, dataType: OnnxDataType.INT8, dims: [cout], rawData: new Uint8Array(cout) },
    );
    weightNodes.push(dq(`${base}__wdq`, [`${base}__wq`, `${base}__ws`, `${base}__wz`], `${base}__w`, 0));
    n.input[1] = `${base}__w`;
    const b = n.input[2];
    if (b) {
      const bf = floats(inits.get(b) as Tensor);
      const bs = new Float32Array(cout);
      const bq = new Int32Array(cout);
      for (let c = 0; c < cout; c++) {
        bs[c] = Math.fround(xs * (ws[c] as number));
        bq[c] = Math.round((bf[c] as number) / (bs[c] as number));
      }
      added.push(
        { name: `${base}__bq`, dataType: OnnxDataType.INT32, dims: [cout], rawData: raw(bq) },
        { name: `${base}__bs`, dataType: OnnxDataType.FLOAT, dims: [cout], rawData: raw(bs) },
        { name: `${base}__bz`, dataType: OnnxDataType.INT32, dims: [cout], rawData: new Uint8Array(4 * cout) },
      );
      weightNodes.push(dq(`${base}__bdq`, [`${base}__bq`, `${base}__bs`, `${base}__bz`], `${base}__b`, 0));
      n.input[2] = `${base}__b`;
    }
  }

  // Q/DQ pairs, each placed right after the node producing the tensor.
  const pairFor = new Map<string, Node[]>();
  for (const [t, p] of act) {
    added.push(
      { name: `${t}__s`, dataType: OnnxDataType.FLOAT, dims: [], rawData: raw(Float32Array.of(p.scale)) },
      { name: `${t}__z`, dataType: OnnxDataType.UINT8, dims: [], rawData: Uint8Array.of(p.zeroPoint) },
    );
    pairFor.set(t, [
      { name: `${t}__qnode`, opType: 'QuantizeLinear', input: [t, `${t}__s`, `${t}__z`], output: [`${t}__q`] },
      dq(`${t}__dqnode`, [`${t}__q`, `${t}__s`, `${t}__z`], dqName(t)),
    ]);
  }
  for (const n of g.node) n.input = n.input.map((i) => (act.has(i) ? dqName(i) : i));
  const order: Node[] = [...weightNodes];
  for (const i of g.input) order.push(...(pairFor.get(i.name) ?? []));
  for (const n of g.node) {
    order.push(n);
    for (const o of n.output) order.push(...(pairFor.get(o) ?? []));
  }
  g.node = order;

  const used = new Set(order.flatMap((n) => n.input));
  g.initializer = [...g.initializer.filter((t) => used.has(t.name)), ...added];
  // Per-channel DequantizeLinear (the axis attribute) needs opset 13.
  requireOpset(model, 13);
  return encode(model);
}

function dq(name: string, input: string[], output: string, axis?: number): Node {
  const attribute = axis === undefined ? [] : [{ name: 'axis', type: 2, i: axis }];
  return { name, opType: 'DequantizeLinear', input, output: [output], attribute };
}
