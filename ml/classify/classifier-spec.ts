import type { MlErrorValue } from '../runtime/ml-error.ts';
import { isArrayOf, isNumberArray, isRecord, isString } from '../runtime/guards.ts';

/** How to feed an imported image classifier and read its answer. */
export type ClassifierSpec = {
  readonly name: string;
  readonly inputName: string;
  /** Default: the model's first output. */
  readonly outputName?: string;
  /** Square side in pixels. */
  readonly size: number;
  readonly layout: 'NCHW' | 'NHWC';
  readonly channelOrder: 'RGB' | 'BGR';
  /** value = (pixel * scale - mean[c]) / std[c] */
  readonly scale: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  /** 'center-crop' keeps aspect (ImageNet habit); 'stretch' squeezes the whole photo. */
  readonly resize: 'center-crop' | 'stretch';
  /** 'auto' applies softmax unless the outputs already look like probabilities. */
  readonly output: 'auto' | 'logits' | 'probabilities';
  readonly labels: readonly string[];
  readonly topK: number;
};

/** ImageNet habits, which most zoo classifiers (MobileNetV2, ResNet...) expect. */
export const CLASSIFIER_DEFAULTS = {
  size: 224,
  layout: 'NCHW',
  channelOrder: 'RGB',
  scale: 1 / 255,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  resize: 'center-crop',
  output: 'auto',
  topK: 5,
} as const;

/**
 * At most this many labels per classifier per photo. Note: each is a label record in the
 * notebook, synced to every member's device; a spec once asked for 100 000 per photo.
 */
export const MAX_TOP_K = 10;

/**
 * A label's length, trimmed: the rule the notebook applies when it reads a label record
 * (`isLabelRecord`, sync/notebook/labels.ts). ml/ cannot import sync/, so the number is
 * written twice and tests/unit/ml/classifier-limits.test.ts keeps the two rules equal: a
 * label the import accepts is never written and then dropped at read.
 */
export const MAX_LABEL_CHARS = 100;

type Validated = { ok: true; spec: ClassifierSpec } | { ok: false; error: MlErrorValue };

const fail = (message: string): Validated => ({ ok: false, error: { code: 'E_SPEC_INVALID', message } });
const oneOf = <T extends string>(v: unknown, options: readonly T[]): v is T => options.includes(v as T);

/**
 * Validate what a person typed (or an imported JSON said) and fill defaults.
 * Only `labels` and `inputName` are required. Never throws.
 */
export function validateClassifierSpec(input: unknown): Validated {
  if (!isRecord(input)) return fail('spec must be an object');
  const s: Record<string, unknown> = { ...CLASSIFIER_DEFAULTS, name: 'Imported classifier', ...input };
  if (!isString(s.name) || s.name.length === 0 || s.name.length > 100) return fail('name: 1-100 characters');
  if (!isString(s.inputName) || s.inputName.length === 0) return fail('inputName: required');
  if (s.outputName !== undefined && !isString(s.outputName)) return fail('outputName: a string');
  if (!Number.isInteger(s.size) || (s.size as number) < 8 || (s.size as number) > 1024) return fail('size: integer 8-1024');
  if (!oneOf(s.layout, ['NCHW', 'NHWC'] as const)) return fail('layout: NCHW or NHWC');
  if (!oneOf(s.channelOrder, ['RGB', 'BGR'] as const)) return fail('channelOrder: RGB or BGR');
  if (typeof s.scale !== 'number' || !(s.scale > 0) || !Number.isFinite(s.scale)) return fail('scale: a positive number');
  if (!isNumberArray(s.mean, 3)) return fail('mean: three numbers');
  if (!isNumberArray(s.std, 3) || s.std.some((x) => x <= 0)) return fail('std: three positive numbers');
  if (!oneOf(s.resize, ['center-crop', 'stretch'] as const)) return fail('resize: center-crop or stretch');
  if (!oneOf(s.output, ['auto', 'logits', 'probabilities'] as const)) return fail('output: auto, logits or probabilities');
  if (!isArrayOf(s.labels, isString, 100_000) || s.labels.length < 2) return fail('labels: at least two strings');
  if (s.labels.some((l) => l.trim().length === 0 || l.trim().length > MAX_LABEL_CHARS)) return fail(`labels: each 1-${MAX_LABEL_CHARS} characters`);
  if (!Number.isInteger(s.topK) || (s.topK as number) < 1 || (s.topK as number) > MAX_TOP_K) return fail(`topK: an integer 1-${MAX_TOP_K}`);
  const spec: ClassifierSpec = {
    name: s.name,
    inputName: s.inputName,
    ...(s.outputName !== undefined ? { outputName: s.outputName } : {}),
    size: s.size as number,
    layout: s.layout,
    channelOrder: s.channelOrder,
    scale: s.scale,
    mean: [s.mean[0]!, s.mean[1]!, s.mean[2]!],
    std: [s.std[0]!, s.std[1]!, s.std[2]!],
    resize: s.resize,
    output: s.output,
    labels: s.labels.map((l) => l.trim()),
    topK: Math.min(s.topK as number, s.labels.length),
  };
  return { ok: true, spec };
}
