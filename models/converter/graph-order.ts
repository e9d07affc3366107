import { normalizeRef } from './convert-context.ts';
import type { TfNode } from './tfjs-graph.ts';

const nodeOf = (ref: string) => normalizeRef(ref.replace(/^\^/, '')).replace(/:\d+$/, '');

/**
 * The nodes needed for `outputs`, dependencies first. Iterative DFS so a
 * hostile, very deep graph cannot overflow the stack; a cycle is an error
 * (TF loops need control-flow ops this converter does not support).
 */
export function orderForOutputs(nodes: readonly TfNode[], outputs: readonly string[]): TfNode[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const state = new Map<string, 'open' | 'done'>();
  const order: TfNode[] = [];
  for (const out of outputs) {
    const stack: { node: TfNode; next: number }[] = [];
    const push = (name: string, from: string) => {
      const node = byName.get(name);
      if (!node) throw new Error(`node "${from}" refers to missing node "${name}"`);
      if (state.get(name) === 'open') throw new Error(`cycle in graph at node "${name}"`);
      if (state.get(name) === 'done') return;
      state.set(name, 'open');
      stack.push({ node, next: 0 });
    };
    push(nodeOf(out), 'outputs');
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { node: TfNode; next: number };
      const input = top.node.input[top.next++];
      if (input !== undefined) {
        push(nodeOf(input), top.node.name);
        continue;
      }
      stack.pop();
      state.set(top.node.name, 'done');
      order.push(top.node);
    }
  }
  return order;
}

/** Outputs when the model has no signature: nodes nothing else consumes. */
export function danglingOutputs(nodes: readonly TfNode[]): string[] {
  const consumed = new Set(nodes.flatMap((n) => n.input.map(nodeOf)));
  return nodes.filter((n) => !consumed.has(n.name) && n.op !== 'Const' && n.op !== 'NoOp').map((n) => n.name);
}
