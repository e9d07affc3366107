import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { validateClassifierSpec, type ClassifierSpec } from '../../../ml/classify/classifier-spec.ts';
import { loadClassifier } from '../../../ml/classify/load-classifier.ts';
import { looksLikeProbabilities, softmax, topKScores } from '../../../ml/classify/top-k-scores.ts';
import { MlError } from '../../../ml/runtime/ml-error.ts';
import type { OrtLike } from '../../../ml/runtime/ort-like.ts';
import { sha256Hex } from '../../../ml/runtime/sha256.ts';
import { COLOUR_LABELS, colourClassifier, solidImage } from './classify-models.ts';

const nodeOrt: OrtLike = { Tensor: ort.Tensor, createSession: (bytes) => ort.InferenceSession.create(bytes) };
const RED = solidImage([255, 0, 0]);
const BLUE = solidImage([0, 0, 255]);

function spec(extra: Record<string, unknown> = {}): ClassifierSpec {
  const r = validateClassifierSpec({ name: 'Colours', inputName: 'pixels', size: 32, labels: COLOUR_LABELS, ...extra });
  if (!r.ok) throw new Error(r.error.message);
  return r.spec;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(() => 'resolved', (e: unknown) => (e instanceof MlError ? e.code : String(e)));
}

describe('validateClassifierSpec', () => {
  it('fills ImageNet defaults', () => {
    const r = validateClassifierSpec({ inputName: 'input', labels: ['a', 'b'] });
    expect(r).toMatchObject({
      ok: true,
      spec: { size: 224, layout: 'NCHW', channelOrder: 'RGB', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], output: 'auto' },
    });
    expect(r.ok && r.spec.scale).toBeCloseTo(1 / 255);
  });

  it.each([
    ['not an object', 'x'],
    ['no labels', { inputName: 'i' }],
    ['one label', { inputName: 'i', labels: ['a'] }],
    ['empty label', { inputName: 'i', labels: ['a', ' '] }],
    ['bad layout', { inputName: 'i', labels: ['a', 'b'], layout: 'HWC' }],
    ['zero std', { inputName: 'i', labels: ['a', 'b'], std: [1, 0, 1] }],
    ['two means', { inputName: 'i', labels: ['a', 'b'], mean: [0, 0] }],
    ['huge size', { inputName: 'i', labels: ['a', 'b'], size: 5000 }],
    ['no input name', { labels: ['a', 'b'] }],
  ])('E_SPEC_INVALID: %s', (_why, input) => {
    const r = validateClassifierSpec(input);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('E_SPEC_INVALID');
  });
});

describe('scores', () => {
  it('applies softmax to logits but not to probabilities', () => {
    const logits = new Float32Array([2, 1, -1]);
    expect(looksLikeProbabilities(logits)).toBe(false);
    const p = softmax(logits);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(looksLikeProbabilities(p)).toBe(true);
    const top = topKScores(p, ['a', 'b', 'c'], 2, 'auto');
    expect(top.map((t) => t.label)).toEqual(['a', 'b']);
    expect(top[0]!.score).toBeCloseTo(p[0]!, 6); // not squashed by a second softmax
  });
});

describe('loadClassifier on onnxruntime-node with a built model', () => {
  it('red photo -> "red", blue photo -> "blue", softmax scores over logits', async () => {
    const bytes = colourClassifier();
    const c = await loadClassifier(bytes, spec({ topK: 3 }), await sha256Hex(bytes), nodeOrt);
    const red = await c.classify(RED);
    const blue = await c.classify(BLUE);
    expect(red[0]!.label).toBe('red');
    expect(blue[0]!.label).toBe('blue');
    expect(red.reduce((s, x) => s + x.score, 0)).toBeCloseTo(1, 5);
    expect(red[0]!.score).toBeGreaterThan(0.9);
    expect(c.id).toMatch(/^clf-[0-9a-f]{16}$/);
  });

  it('keeps a model softmax as it is (auto) and reads NHWC inputs', async () => {
    const bytes = colourClassifier({ layout: 'NHWC', softmax: true });
    const c = await loadClassifier(bytes, spec({ layout: 'NHWC', topK: 3 }), await sha256Hex(bytes), nodeOrt);
    const top = await c.classify(BLUE);
    expect(top[0]!.label).toBe('blue');
    // Raw model probabilities of this input, for comparison.
    const logitsModel = colourClassifier({ layout: 'NHWC' });
    const raw = await loadClassifier(logitsModel, spec({ layout: 'NHWC', output: 'probabilities', topK: 3 }), await sha256Hex(logitsModel), nodeOrt);
    const logits = (await raw.classify(BLUE)).sort((a, b) => a.index - b.index).map((s) => s.score);
    const expected = softmax(new Float32Array(logits));
    top.forEach((s) => expect(s.score).toBeCloseTo(expected[s.index]!, 5));
  });

  it('honours channel order: BGR feeding swaps what the model sees', async () => {
    const bytes = colourClassifier();
    const c = await loadClassifier(bytes, spec({ channelOrder: 'BGR' }), await sha256Hex(bytes), nodeOrt);
    expect((await c.classify(RED))[0]!.label).toBe('blue');
  });

  it('E_MODEL_HASH: refuses bytes that are not the recorded ones, before parsing them', async () => {
    const bytes = colourClassifier();
    const other = await sha256Hex(colourClassifier({ softmax: true }));
    expect(await codeOf(loadClassifier(bytes, spec(), other, nodeOrt))).toBe('E_MODEL_HASH');
  });

  it('E_MODEL_LOAD: bytes that are not ONNX', async () => {
    const junk = new TextEncoder().encode('not a model at all');
    expect(await codeOf(loadClassifier(junk, spec(), await sha256Hex(junk), nodeOrt))).toBe('E_MODEL_LOAD');
  });

  it('E_MODEL_IO: wrong input name, or labels that do not match the outputs', async () => {
    const bytes = colourClassifier();
    const sha = await sha256Hex(bytes);
    expect(await codeOf(loadClassifier(bytes, spec({ inputName: 'image' }), sha, nodeOrt))).toBe('E_MODEL_IO');
    const c = await loadClassifier(bytes, spec({ labels: ['a', 'b', 'c', 'd'] }), sha, nodeOrt);
    expect(await codeOf(c.classify(RED))).toBe('E_MODEL_IO');
  });
});
