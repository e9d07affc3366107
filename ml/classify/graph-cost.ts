import { count, inferNode, type Info } from './infer-node-shape.ts';
import type { OnnxGraph } from './onnx-graph.ts';

/**
 * What one run of an imported classifier may cost, checked on its graph before
 * onnxruntime sees it. Note: a convolutional classifier of the usual zoo (MobileNet, ResNet,
 * EfficientNet-B0..B4) is 1-30 GFLOP at 224-380 px, and wasm runs 5-20 GFLOP/s, so 100 GFLOP
 * already costs more than the per-photo time budget (ml/worker/ml-budgets.ts); 2^28 elements
 * is a 1 GiB float tensor.
 */
export type CostLimits = { readonly maxFlops: number; readonly maxTensorElements: number };
export const CLASSIFIER_COST_LIMITS: CostLimits = { maxFlops: 100e9, maxTensorElements: 2 ** 28 };

/** Ops whose body is a subgraph run a data-dependent number of times: no bound from the graph. */
const CONTROL_FLOW = new Set(['Loop', 'Scan', 'If', 'SequenceMap']);

export type GraphCost =
  | { readonly ok: true; readonly flops: number; readonly largestTensor: number; readonly unknownShapes: number }
  | { readonly ok: false; readonly reason: string };

/**
 * Walks the graph in order (ONNX requires topological order), infers the shapes it can from
 * the input shapes given and the constants in the graph, and adds up MatMul, Gemm and
 * convolution multiply-adds (x 2) plus one operation per element of every output. Refuses
 * control flow, more FLOPs than `maxFlops` and any tensor over `maxTensorElements`. What
 * cannot be inferred (shapes computed from pixels) counts as nothing here: the test run
 * at import and the per-photo deadline bound it (ml/worker/ml-budgets.ts).
 */
export function estimateGraphCost(graph: OnnxGraph, inputDims: ReadonlyMap<string, readonly number[]>, limits: CostLimits = CLASSIFIER_COST_LIMITS): GraphCost {
  const infos = new Map<string, Info>();
  for (const [name, c] of graph.initializers) infos.set(name, c.values ? { dims: c.dims, values: c.values } : { dims: c.dims });
  for (const input of graph.inputs) {
    const dims = inputDims.get(input.name) ?? input.dims;
    infos.set(input.name, dims ? { dims } : {});
  }
  let flops = 0;
  let largestTensor = 0;
  let unknownShapes = 0;
  for (const node of graph.nodes) {
    if (CONTROL_FLOW.has(node.opType) || [...node.attrs.values()].some((a) => a.graph)) {
      return { ok: false, reason: `${node.opType}: a graph with control flow (loops, branches) cannot be bounded before it runs` };
    }
    const { outputs, flops: nodeFlops } = inferNode(node, node.inputs.map((name) => infos.get(name) ?? {}));
    flops += nodeFlops ?? 0;
    node.outputs.forEach((name, i) => {
      const info = outputs[i] ?? {};
      infos.set(name, info);
      const elements = count(info.dims);
      if (elements === undefined) unknownShapes++;
      else {
        largestTensor = Math.max(largestTensor, elements);
        flops += elements;
      }
    });
    if (largestTensor > limits.maxTensorElements) {
      return { ok: false, reason: `${node.opType}: a tensor of ${largestTensor.toExponential(2)} elements (the limit is ${limits.maxTensorElements.toExponential(2)})` };
    }
    if (flops > limits.maxFlops) {
      return { ok: false, reason: `at least ${(flops / 1e9).toFixed(0)} GFLOP per photo (the limit is ${(limits.maxFlops / 1e9).toFixed(0)} GFLOP)` };
    }
  }
  return { ok: true, flops, largestTensor, unknownShapes };
}
