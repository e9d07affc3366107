import { describe, expect, it } from 'vitest';
import { convertTfjsGraph } from '../../../models/converter/convert.ts';
import { parseTfjsGraphModel } from '../../../models/converter/tfjs-graph.ts';
import { decodeWeights } from '../../../models/converter/weights.ts';

const b64 = (s: string) => btoa(s);

/** A minimal graph: input -> <op> -> output, no weights. */
function graphWith(op: string, name = 'net/odd_op') {
  return {
    format: 'graph-model',
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '1' }, { size: '4' }] } } } },
        { name, op, input: ['x'], attr: { T: { type: 'DT_FLOAT' } } },
        { name: 'y', op: 'Identity', input: [name], attr: { T: { type: 'DT_FLOAT' } } },
      ],
    },
    weightsManifest: [],
  };
}

describe('converter errors', () => {
  it('names the op and the node of an unsupported op', () => {
    const model = parseTfjsGraphModel(graphWith('NonMaxSuppressionV5', 'postprocess/nms'));
    expect(() => convertTfjsGraph(model, new Map())).toThrow(/NonMaxSuppressionV5.*postprocess\/nms/);
  });

  it('converts the same graph when the op is supported', () => {
    const model = parseTfjsGraphModel(graphWith('Sigmoid'));
    expect(convertTfjsGraph(model, new Map()).byteLength).toBeGreaterThan(0);
  });

  it('names an unsupported fused activation', () => {
    const json = graphWith('Identity');
    json.modelTopology.node[1] = {
      name: 'net/odd_op',
      op: '_FusedConv2D',
      input: ['x', 'w', 'b'],
      attr: { fused_ops: { list: { s: [b64('BiasAdd'), b64('Swish')] } } } as never,
    };
    json.modelTopology.node.push({ name: 'w', op: 'Const', attr: {} } as never, { name: 'b', op: 'Const', attr: {} } as never);
    const weights = decodeWeights(
      [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [1, 1, 4, 1], dtype: 'float32' }, { name: 'b', shape: [1], dtype: 'float32' }] }],
      [[new Uint8Array(20)]],
    );
    expect(() => convertTfjsGraph(parseTfjsGraphModel(json), weights)).toThrow(/Swish.*_FusedConv2D.*"net\/odd_op"/);
  });
});

/** input -> <op>(x, consts...) -> output, the consts int32 weights, for the mappers that need constant inputs. */
function graphWithConsts(op: string, inputs: string[], consts: { name: string; shape: number[]; values: number[] }[]) {
  const json = graphWith('Identity');
  json.modelTopology.node[1] = { name: 'net/odd_op', op, input: inputs, attr: { T: { type: 'DT_FLOAT' } } };
  json.modelTopology.node.push(...consts.map((c) => ({ name: c.name, op: 'Const', attr: {} }) as never));
  const weights = decodeWeights(
    [{ paths: ['w.bin'], weights: consts.map((c) => ({ name: c.name, shape: c.shape, dtype: 'int32' as const })) }],
    [[new Uint8Array(Int32Array.from(consts.flatMap((c) => c.values)).buffer)]],
  );
  return () => convertTfjsGraph(parseTfjsGraphModel(json), weights);
}

describe('converter errors of SplitV and SparseToDense', () => {
  it('refuses a SplitV size of -1 (the rest), which needs the static shape', () => {
    const convert = graphWithConsts('SplitV', ['x', 'sizes', 'axis'], [{ name: 'sizes', shape: [2], values: [1, -1] }, { name: 'axis', shape: [], values: [1] }]);
    expect(convert).toThrow(/SplitV.*-1 is not supported/);
  });

  it('refuses a SparseToDense whose values are not constant, and an index outside the output', () => {
    const idx = { name: 'idx', shape: [1, 1], values: [4] };
    const shape = { name: 'shape', shape: [1], values: [4] };
    const zero = { name: 'zero', shape: [], values: [0] };
    expect(graphWithConsts('SparseToDense', ['idx', 'shape', 'x', 'zero'], [idx, shape, zero])).toThrow(/sparse_values \(input 2\) must be a constant/);
    const one = { name: 'one', shape: [1], values: [1] };
    expect(graphWithConsts('SparseToDense', ['idx', 'shape', 'one', 'zero'], [idx, shape, one, zero])).toThrow(/index 4 out of range/);
  });
});

describe('model.json validation (untrusted input)', () => {
  it('rejects a shard path that leaves the model folder', () => {
    const json = { ...graphWith('Sigmoid'), weightsManifest: [{ paths: ['../../etc/passwd'], weights: [] }] };
    expect(() => parseTfjsGraphModel(json)).toThrow(/unsafe shard path/);
  });

  it('rejects missing topology, bad types and duplicate nodes', () => {
    expect(() => parseTfjsGraphModel({ weightsManifest: [] })).toThrow(/modelTopology/);
    expect(() => parseTfjsGraphModel({ ...graphWith('Sigmoid'), format: 'layers-model' })).toThrow(/graph-model/);
    const dup = graphWith('Sigmoid');
    dup.modelTopology.node.push(dup.modelTopology.node[0] as never);
    expect(() => parseTfjsGraphModel(dup)).toThrow(/duplicate node "x"/);
    const badShape = { ...graphWith('Sigmoid'), weightsManifest: [{ paths: ['a.bin'], weights: [{ name: 'w', shape: [-1], dtype: 'float32' }] }] };
    expect(() => parseTfjsGraphModel(badShape)).toThrow(/negative dimension/);
  });

  it('rejects weights that run past the end of the shards', () => {
    const groups = [{ paths: ['a.bin'], weights: [{ name: 'w', shape: [4], dtype: 'float32' as const }] }];
    expect(() => decodeWeights(groups, [[new Uint8Array(8)]])).toThrow(/ends early/);
  });

  it('rejects a graph with a cycle', () => {
    const json = graphWith('Sigmoid');
    json.modelTopology.node[1] = { name: 'net/odd_op', op: 'Add', input: ['x', 'y'], attr: {} } as never;
    expect(() => convertTfjsGraph(parseTfjsGraphModel(json), new Map(), { outputs: ['y'] })).toThrow(/cycle/);
  });
});
