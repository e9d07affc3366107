import type { OnnxGraphBuilder } from './onnx-builder.ts';
import { OnnxDataType } from './onnx-types.ts';
import { TfAttrReader } from './tf-attr.ts';
import type { TfNode } from './tfjs-graph.ts';
import type { TfConstTensor } from './weights.ts';

/** "node" and "node:0" name the same tensor; control inputs start with "^". */
export function normalizeRef(ref: string): string {
  return /:\d+$/.test(ref) ? ref : `${ref}:0`;
}

/**
 * State shared by the op mappers while one graph is converted: the ONNX
 * builder, the TF constants, and which ONNX value stands for each TF tensor.
 */
export class ConvertContext {
  private readonly values = new Map<string, string>();

  constructor(
    readonly b: OnnxGraphBuilder,
    private readonly consts: ReadonlyMap<string, TfConstTensor>,
    private readonly keepFloat16 = false,
  ) {}

  /**
   * A float weight as an initializer. With keepFloat16, weights that were
   * stored as float16 stay FLOAT16 behind a Cast: half the file size, and ORT
   * folds the Cast once at session creation. The values are identical to
   * TF.js's, which widens the same halves to float32.
   */
  floatWeight(base: string, dims: readonly number[], f32: Float32Array, f16: Uint16Array | undefined): string {
    if (!this.keepFloat16 || !f16) return this.b.initializer(base, OnnxDataType.FLOAT, dims, f32);
    const half = this.b.initializer(`${base}/f16`, OnnxDataType.FLOAT16, dims, f16);
    return this.b.op('Cast', [half], { to: OnnxDataType.FLOAT }, `${base}/cast`);
  }

  attrs(node: TfNode): TfAttrReader {
    return new TfAttrReader(node.name, node.attr);
  }

  /** Data inputs of a node (control dependencies dropped). */
  dataInputs(node: TfNode): string[] {
    return node.input.filter((i) => !i.startsWith('^'));
  }

  private ref(node: TfNode, index: number): string {
    const ref = this.dataInputs(node)[index];
    if (ref === undefined) throw new Error(`node "${node.name}" (${node.op}): missing input ${index}`);
    return normalizeRef(ref);
  }

  /** The constant behind input `index`, if that input is a Const with weights. */
  constInput(node: TfNode, index: number): TfConstTensor | undefined {
    const ref = this.ref(node, index);
    return ref.endsWith(':0') ? this.consts.get(ref.slice(0, -2)) : undefined;
  }

  requireConst(node: TfNode, index: number, what: string): TfConstTensor {
    const c = this.constInput(node, index);
    if (!c) throw new Error(`node "${node.name}" (${node.op}): ${what} (input ${index}) must be a constant`);
    return c;
  }

  /** Integer values of a constant input, e.g. axes or a shape. */
  constInts(node: TfNode, index: number, what: string): number[] {
    const c = this.requireConst(node, index, what);
    if (c.dtype !== 'int32') throw new Error(`node "${node.name}" (${node.op}): ${what} must be int32`);
    return Array.from(c.data);
  }

  /** ONNX value for input `index`; constants become initializers on first use. */
  input(node: TfNode, index: number): string {
    const ref = this.ref(node, index);
    const known = this.values.get(ref);
    if (known !== undefined) return known;
    const c = ref.endsWith(':0') ? this.consts.get(ref.slice(0, -2)) : undefined;
    if (!c) throw new Error(`node "${node.name}" (${node.op}): input "${ref}" is not produced by any converted node`);
    const base = ref.slice(0, -2);
    const name =
      c.dtype === 'float32'
        ? this.floatWeight(base, c.shape, c.data as Float32Array, c.float16)
        : this.b.initializer(base, c.dtype === 'int32' ? OnnxDataType.INT32 : OnnxDataType.BOOL, c.shape, c.data);
    this.values.set(ref, name);
    return name;
  }

  /** Records that TF output `index` of `node` is the ONNX value `value`. */
  setOutput(node: TfNode, value: string, index = 0): void {
    this.values.set(`${node.name}:${index}`, value);
  }

  has(ref: string): boolean {
    return this.values.has(normalizeRef(ref));
  }

  valueOf(ref: string): string | undefined {
    return this.values.get(normalizeRef(ref));
  }
}

/** Signature of every op mapper in ops/. */
export type OpMapper = (node: TfNode, ctx: ConvertContext) => void;
