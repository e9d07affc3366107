import type { OpMapper } from '../convert-context.ts';
import { floatAttr } from '../onnx-builder.ts';
import { onnxTypeOf } from '../tf-dtype.ts';
import { relu6 } from './activation.ts';

/** TF ops that are one ONNX op with the same inputs and numpy broadcasting. */
const SAME_INPUTS: Readonly<Record<string, string>> = {
  Add: 'Add',
  AddV2: 'Add',
  BiasAdd: 'Add',
  Sub: 'Sub',
  Mul: 'Mul',
  RealDiv: 'Div',
  Maximum: 'Max',
  Minimum: 'Min',
  Pow: 'Pow',
  Equal: 'Equal',
  Greater: 'Greater',
  GreaterEqual: 'GreaterOrEqual',
  Less: 'Less',
  LessEqual: 'LessOrEqual',
  LogicalAnd: 'And',
  LogicalOr: 'Or',
  LogicalNot: 'Not',
  Relu: 'Relu',
  Sigmoid: 'Sigmoid',
  Tanh: 'Tanh',
  Exp: 'Exp',
  Log: 'Log',
  Sqrt: 'Sqrt',
  Neg: 'Neg',
  Abs: 'Abs',
  Floor: 'Floor',
  Ceil: 'Ceil',
  Reciprocal: 'Reciprocal',
  Softplus: 'Softplus',
  Elu: 'Elu',
  Identity: 'Identity',
  Prelu: 'PRelu',
};

export function sameInputsMapper(tfOp: string): OpMapper | undefined {
  const onnxOp = SAME_INPUTS[tfOp];
  if (onnxOp === undefined) return undefined;
  return (node, ctx) => {
    const inputs = ctx.dataInputs(node).map((_, i) => ctx.input(node, i));
    ctx.setOutput(node, ctx.b.op(onnxOp, inputs, {}, node.name));
  };
}

export const elementwiseOps = Object.keys(SAME_INPUTS);

export const relu6Op: OpMapper = (node, ctx) => ctx.setOutput(node, relu6(ctx, ctx.input(node, 0), node.name));

export const leakyRelu: OpMapper = (node, ctx) => {
  const alpha = floatAttr(ctx.attrs(node).float('alpha', 0.2));
  ctx.setOutput(node, ctx.b.op('LeakyRelu', [ctx.input(node, 0)], { alpha }, node.name));
};

export const rsqrt: OpMapper = (node, ctx) => {
  const s = ctx.b.op('Sqrt', [ctx.input(node, 0)], {}, `${node.name}/sqrt`);
  ctx.setOutput(node, ctx.b.op('Reciprocal', [s], {}, node.name));
};

export const square: OpMapper = (node, ctx) => {
  const x = ctx.input(node, 0);
  ctx.setOutput(node, ctx.b.op('Mul', [x, x], {}, node.name));
};

export const squaredDifference: OpMapper = (node, ctx) => {
  const d = ctx.b.op('Sub', [ctx.input(node, 0), ctx.input(node, 1)], {}, `${node.name}/sub`);
  ctx.setOutput(node, ctx.b.op('Mul', [d, d], {}, node.name));
};

/** TF Softmax is over the last axis, as is ONNX's since opset 13. */
export const softmax: OpMapper = (node, ctx) =>
  ctx.setOutput(node, ctx.b.op('Softmax', [ctx.input(node, 0)], { axis: -1 }, node.name));

export const cast: OpMapper = (node, ctx) => {
  const to = onnxTypeOf(ctx.attrs(node).type('DstT'), `node "${node.name}"`);
  ctx.setOutput(node, ctx.b.op('Cast', [ctx.input(node, 0)], { to }, node.name));
};
