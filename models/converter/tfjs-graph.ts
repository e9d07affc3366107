import { decodeTfAttrs, type TfAttrs } from './tf-attr.ts';
import {
  expectArray,
  expectInteger,
  expectNumber,
  expectObject,
  expectString,
  ModelJsonError,
  optional,
} from '../../ml/runtime/json-guard.ts';

/** One TF op as TF.js stores it: inputs are "node", "node:1" or "^control". */
export interface TfNode {
  readonly name: string;
  readonly op: string;
  readonly input: readonly string[];
  readonly attr: TfAttrs;
}

export type TfWeightDtype = 'float32' | 'int32' | 'bool';
export type TfQuantDtype = 'float16' | 'uint8' | 'uint16';

export interface TfWeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: TfWeightDtype;
  readonly quantization?: { readonly dtype: TfQuantDtype; readonly min: number; readonly scale: number };
}

export interface TfWeightGroup {
  readonly paths: readonly string[];
  readonly weights: readonly TfWeightSpec[];
}

export interface TfjsGraphModel {
  readonly nodes: readonly TfNode[];
  readonly weightGroups: readonly TfWeightGroup[];
  /** Output tensor names from the signature ("name" or "name:1"), if any. */
  readonly signatureOutputs: readonly string[];
}

// Limits far above any real model; they only bound work done on hostile input.
const MAX_NODES = 100_000;
const MAX_INPUTS = 10_000;
const MAX_RANK = 8;
const MAX_ELEMENTS = 2 ** 28;

function parseShape(v: unknown, path: string): number[] {
  const dims = expectArray(v, path, MAX_RANK).map((d, i) => expectInteger(d, `${path}[${i}]`));
  if (dims.some((d) => d < 0)) throw new ModelJsonError(path, 'negative dimension');
  if (dims.reduce((a, b) => a * b, 1) > MAX_ELEMENTS) throw new ModelJsonError(path, 'tensor too large');
  return dims;
}

function parseWeight(v: unknown, path: string): TfWeightSpec {
  const o = expectObject(v, path);
  const dtype = expectString(o.dtype, `${path}.dtype`);
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
    throw new ModelJsonError(`${path}.dtype`, `unsupported weight dtype "${dtype}"`);
  }
  const quantization = optional(o.quantization, (q) => {
    const qo = expectObject(q, `${path}.quantization`);
    const qd = expectString(qo.dtype, `${path}.quantization.dtype`);
    if (qd !== 'float16' && qd !== 'uint8' && qd !== 'uint16') {
      throw new ModelJsonError(`${path}.quantization.dtype`, `unsupported quantization "${qd}"`);
    }
    const min = optional(qo.min, (m) => expectNumber(m, `${path}.quantization.min`)) ?? 0;
    const scale = optional(qo.scale, (s) => expectNumber(s, `${path}.quantization.scale`)) ?? 1;
    return { dtype: qd, min, scale } as const;
  });
  const name = expectString(o.name, `${path}.name`);
  const shape = parseShape(o.shape, `${path}.shape`);
  return quantization ? { name, shape, dtype, quantization } : { name, shape, dtype };
}

function parseGroup(v: unknown, path: string): TfWeightGroup {
  const o = expectObject(v, path);
  const paths = expectArray(o.paths, `${path}.paths`, 1000).map((p, i) => {
    const file = expectString(p, `${path}.paths[${i}]`, 255);
    // Shard paths are joined to the model's folder: refuse anything that could
    // climb out of it or point somewhere absolute.
    if (!/^[\w.-]+$/.test(file) || file.startsWith('.')) {
      throw new ModelJsonError(`${path}.paths[${i}]`, `unsafe shard path "${file}"`);
    }
    return file;
  });
  const weights = expectArray(o.weights, `${path}.weights`, MAX_NODES).map((w, i) => parseWeight(w, `${path}.weights[${i}]`));
  return { paths, weights };
}

function parseNode(v: unknown, path: string): TfNode {
  const o = expectObject(v, path);
  const input = optional(o.input, (a) => expectArray(a, `${path}.input`, MAX_INPUTS)) ?? [];
  return {
    name: expectString(o.name, `${path}.name`),
    op: expectString(o.op, `${path}.op`, 200),
    input: input.map((x, i) => expectString(x, `${path}.input[${i}]`)),
    attr: decodeTfAttrs(optional(o.attr, (a) => expectObject(a, `${path}.attr`)) ?? {}, `${path}.attr`),
  };
}

/** Validates a parsed model.json of format "graph-model" and returns its typed form. */
export function parseTfjsGraphModel(json: unknown): TfjsGraphModel {
  const root = expectObject(json, '$');
  const format = optional(root.format, (f) => expectString(f, '$.format'));
  if (format !== undefined && format !== 'graph-model') {
    throw new ModelJsonError('$.format', `expected "graph-model", got "${format}"`);
  }
  const topology = expectObject(root.modelTopology, '$.modelTopology');
  const nodes = expectArray(topology.node, '$.modelTopology.node', MAX_NODES).map((n, i) =>
    parseNode(n, `$.modelTopology.node[${i}]`),
  );
  const names = new Set<string>();
  for (const n of nodes) {
    if (names.has(n.name)) throw new ModelJsonError('$.modelTopology.node', `duplicate node "${n.name}"`);
    names.add(n.name);
  }
  const weightGroups = expectArray(root.weightsManifest, '$.weightsManifest', 1000).map((g, i) =>
    parseGroup(g, `$.weightsManifest[${i}]`),
  );
  const signature = optional(root.signature, (s) => expectObject(s, '$.signature'));
  const outputs = optional(signature?.outputs, (s) => expectObject(s, '$.signature.outputs')) ?? {};
  const signatureOutputs = Object.keys(outputs).map((key) => {
    const out = expectObject(outputs[key], `$.signature.outputs.${key}`);
    return expectString(out.name, `$.signature.outputs.${key}.name`).replace(/:0$/, '');
  });
  return { nodes, weightGroups, signatureOutputs };
}
