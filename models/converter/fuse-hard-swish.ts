import { consumersOf, decodeForEdit, encodeEdited, requireOpset, scalarConstants, type EditGraph, type EditNode } from './onnx-edit.ts';

const near = (v: number | undefined, want: number): boolean => v !== undefined && Math.abs(v - want) < 1e-3;

export interface HardSwishFusion {
  readonly model: Uint8Array;
  readonly hardSwish: number;
  readonly hardSigmoid: number;
}

/**
 * Rewrites the elementwise chains TF and Paddle export for MobileNetV3's
 * activations into single ONNX ops:
 *
 * - x * relu6(x + 3) / 6, as Add -> Clip(0, 6) -> Mul(x, .) -> Div(6) (or Mul(1/6)),
 *   or Mul(x, 1/6) * Clip(...) -> HardSwish(x)
 * - relu6(x + 3) / 6, as Add -> Clip(0, 6) -> Mul(1/6) (or Div(6)) -> HardSigmoid(x, 1/6, 0.5)
 *
 * Four passes over the tensor become one, in every runtime. The 1/6 may be a
 * float16-rounded constant (0.16663), so results move by up to ~2.5e-4
 * relative; the parity tests state that tolerance. Needs opset 14 (HardSwish).
 * Intermediate values must have no other reader, or the chain is left alone.
 */
export function fuseHardSwish(bytes: Uint8Array): HardSwishFusion {
  const model = decodeForEdit(bytes);
  const g = model.graph;
  const consts = scalarConstants(g);
  const users = consumersOf(g);
  const producer = new Map<string, EditNode>();
  for (const n of g.node) for (const o of n.output) producer.set(o, n);
  const outputs = new Set(g.output.map((o) => o.name));
  const soleUser = (value: string): EditNode | undefined => {
    const u = users.get(value) ?? [];
    return u.length === 1 && !outputs.has(value) ? u[0] : undefined;
  };
  const other = (n: EditNode, value: string): string | undefined => (n.input[0] === value ? n.input[1] : n.input[0]);
  /** The factor k of a "divide by 6" node (Div(v, 6) or Mul(v, k ~ 1/6)) reading `value`, else undefined. */
  const sixth = (n: EditNode | undefined, value: string): number | undefined => {
    if (!n || n.domain || n.input.length !== 2 || !n.input.includes(value)) return undefined;
    if (n.opType === 'Div' && n.input[0] === value) {
      const d = consts.get(n.input[1] as string);
      return near(d, 6) ? 1 / (d as number) : undefined;
    }
    const k = n.opType === 'Mul' ? consts.get(other(n, value) as string) : undefined;
    return near(k, 1 / 6) ? k : undefined;
  };

  const removed = new Set<EditNode>();
  const replacement = new Map<EditNode, EditNode[]>();
  let hardSwish = 0;
  let hardSigmoid = 0;
  for (const clip of g.node) {
    if (clip.opType !== 'Clip' || clip.domain || !near(consts.get(clip.input[1] ?? ''), 0) || !near(consts.get(clip.input[2] ?? ''), 6)) continue;
    const add = producer.get(clip.input[0] as string);
    if (!add || add.opType !== 'Add' || add.domain || soleUser(add.output[0] as string) !== clip) continue;
    const x = near(consts.get(add.input[1] as string), 3) ? add.input[0] : near(consts.get(add.input[0] as string), 3) ? add.input[1] : undefined;
    if (x === undefined || consts.has(x)) continue;
    const c = clip.output[0] as string;
    const next = soleUser(c);
    if (!next || next.domain) continue;
    const chain: EditNode[] = [add, clip];
    let kind: 'HardSwish' | 'HardSigmoid' | undefined;
    let k = sixth(next, c);
    if (k !== undefined) {
      chain.push(next);
      kind = 'HardSigmoid';
    } else if (next.opType === 'Mul' && next.input.length === 2) {
      const o = other(next, c) as string;
      const scaled = producer.get(o);
      if (o === x) {
        const last = soleUser(next.output[0] as string);
        k = sixth(last, next.output[0] as string);
        if (k !== undefined) chain.push(next, last as EditNode);
      } else if (scaled?.opType === 'Mul' && soleUser(o) === next) {
        k = sixth(scaled, x);
        if (k !== undefined) chain.push(scaled, next);
      }
      if (k !== undefined) kind = 'HardSwish';
    }
    if (!kind || k === undefined || chain.some((n) => removed.has(n))) continue;
    const last = chain[chain.length - 1] as EditNode;
    const name = `${last.name ?? last.output[0]}/${kind}`;
    const attribute = kind === 'HardSigmoid' ? [{ name: 'alpha', type: 1, f: 1 / 6 }, { name: 'beta', type: 1, f: 0.5 }] : [];
    for (const n of chain) removed.add(n);
    // Note: TF.js stores 1/6 as float16 (0.16663); keeping that factor as a
    // trailing Mul(6k) keeps the fused graph equal to the original to float
    // rounding, so TF.js parity holds at its 1e-4 tolerance.
    const exact = Math.fround(k) === Math.fround(1 / 6);
    const fused: EditNode = { name, opType: kind, input: [x], output: exact ? [...last.output] : [`${name}:out`], attribute };
    const fix: EditNode[] = [];
    if (!exact) {
      const factor = `${name}/factor`;
      g.initializer.push({ name: factor, dataType: 1, dims: [], rawData: new Uint8Array(Float32Array.of(6 * k).buffer) });
      fix.push({ name: `${name}/scale`, opType: 'Mul', input: [`${name}:out`, factor], output: [...last.output] });
    }
    replacement.set(last, [fused, ...fix]);
    if (kind === 'HardSwish') hardSwish++;
    else hardSigmoid++;
  }
  // The fused node takes the place of the chain's last node, after x and before every reader.
  g.node = g.node.flatMap((n) => replacement.get(n) ?? (removed.has(n) ? [] : [n]));
  dropUnused(g);
  if (hardSwish > 0) requireOpset(model, 14);
  return { model: encodeEdited(model), hardSwish, hardSigmoid };
}

/** Removes constants nothing reads any more: initializers, Constant nodes and the Casts of float16 ones. */
function dropUnused(g: EditGraph): void {
  const inits = new Set(g.initializer.map((t) => t.name));
  const isConstant = (n: EditNode): boolean => !n.domain && (n.opType === 'Constant' || (n.opType === 'Cast' && inits.has(n.input[0] ?? '')));
  for (;;) {
    const read = new Set([...g.node.flatMap((n) => n.input), ...g.output.map((o) => o.name)]);
    const kept = g.node.filter((n) => !isConstant(n) || read.has(n.output[0] as string));
    if (kept.length === g.node.length) {
      g.initializer = g.initializer.filter((t) => read.has(t.name));
      return;
    }
    g.node = kept;
  }
}
