import type { ApiSchema } from './rpc.ts';
import {
  isArrayOf,
  isBoolean,
  isFiniteNumber,
  isMlErrorValue,
  isNumberArray,
  isRecord,
  isString,
  optionalOf,
} from '../runtime/guards.ts';
import { MAX_TOP_K } from '../classify/classifier-spec.ts';
import type { ClassScore } from '../classify/top-k-scores.ts';
import type { Detection } from '../detect/detection.ts';
import type { OcrLine } from '../ocr/ocr-pipeline.ts';
import type { SessionTiming } from '../runtime/session-cache.ts';
import { FACERES_IO } from '../faces/embed-face.ts';
import { FACE_POLICY } from '../faces/find-faces.ts';
import { DETECT_POOL } from '../detect/tag-policy.ts';
import type { Classification, DebugInfo, FaceResult, ImportedClassifier, MlApi, ObjectsPart, TagOptions, TagPart, TagResult } from './ml-api.ts';

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
const isSha256 = (v: unknown): v is string => isString(v) && /^[0-9a-fA-F]{64}$/.test(v);

function isTagOptions(v: unknown): v is TagOptions {
  return (
    isRecord(v) &&
    optionalOf(v.ocr, isBoolean) &&
    optionalOf(v.classifierIds, (x): x is string[] => isArrayOf(x, isString, 20)) &&
    optionalOf(v.maxPixels, (x): x is number => isFiniteNumber(x) && x >= 1024 && x <= 50_000_000) &&
    optionalOf(v.faces, isBoolean) &&
    optionalOf(v.part, (x): x is TagPart => x === 'objects' || x === 'text')
  );
}

const isDetection = (v: unknown): v is Detection =>
  isRecord(v) && isString(v.label) && isFiniteNumber(v.score) && isNumberArray(v.box, 4) && isString(v.modelId);
const isOcrLine = (v: unknown): v is OcrLine =>
  isRecord(v) && isString(v.text) && isFiniteNumber(v.confidence) && isArrayOf(v.box, (p) => isNumberArray(p, 2), 4);
const isFaceResult = (v: unknown): v is FaceResult =>
  isRecord(v) && isNumberArray(v.box, 4) && isFiniteNumber(v.score) && isNumberArray(v.embedding, FACERES_IO.dims);
const isClassScore = (v: unknown): v is ClassScore => isRecord(v) && isString(v.label) && isFiniteNumber(v.score);
// A worker that answers more labels than any spec may ask for is not believed (MAX_TOP_K).
const isClassification = (v: unknown): v is Classification =>
  isRecord(v) && isString(v.classifierId) && isString(v.name) && isArrayOf(v.labels, isClassScore, MAX_TOP_K);

const isObjectsPart = (v: unknown): v is ObjectsPart =>
  isRecord(v) && isFiniteNumber(v.width) && isFiniteNumber(v.height) && isArrayOf(v.detections, isDetection, DETECT_POOL);

function isTagResult(v: unknown): v is TagResult {
  return (
    isRecord(v) &&
    isArrayOf(v.labels, isDetection) &&
    isArrayOf(v.candidates, isDetection, 100) &&
    isArrayOf(v.text, isOcrLine) &&
    isArrayOf(v.classifications, isClassification, 20) &&
    optionalOf(v.faces, (x): x is FaceResult[] => isArrayOf(x, isFaceResult, FACE_POLICY.maxResults)) &&
    isString(v.pipelineVersion) &&
    isFiniteNumber(v.ms) &&
    isRecord(v.timings) &&
    optionalOf(v.error, isMlErrorValue) &&
    optionalOf(v.objects, isObjectsPart)
  );
}

const isSessionTiming = (s: unknown): s is SessionTiming =>
  isRecord(s) && isString(s.modelId) && isFiniteNumber(s.createMs) && isFiniteNumber(s.warmUpMs);

function isDebugInfo(v: unknown): v is DebugInfo {
  return (
    isRecord(v) &&
    (v.backend === 'wasm' || v.backend === 'webgpu') &&
    isFiniteNumber(v.threads) &&
    isBoolean(v.crossOriginIsolated) &&
    isArrayOf(v.sessions, isSessionTiming)
  );
}

const isImported = (v: unknown): v is ImportedClassifier =>
  isRecord(v) && isString(v.id) && isString(v.name) && isFiniteNumber(v.labelCount);

/** The contract of the ML worker, checked on both sides of postMessage. */
export const ML_API_SCHEMA: ApiSchema<MlApi> = {
  tag: {
    args: (a): a is [Uint8Array, TagOptions] => Array.isArray(a) && a.length === 2 && isBytes(a[0]) && isTagOptions(a[1]),
    result: isTagResult,
  },
  debugInfo: { args: (a): a is [] => Array.isArray(a) && a.length === 0, result: isDebugInfo },
  preload: { args: (a): a is [TagOptions] => Array.isArray(a) && a.length === 1 && isTagOptions(a[0]), result: isDebugInfo },
  importClassifier: {
    args: (a): a is [Uint8Array, unknown, string] =>
      Array.isArray(a) && a.length === 3 && isBytes(a[0]) && isRecord(a[1]) && isSha256(a[2]),
    result: isImported,
  },
};
