import type { ClassScore } from '../classify/top-k-scores.ts';
import type { Box, Detection } from '../detect/detection.ts';
import type { OcrLine } from '../ocr/ocr-pipeline.ts';
import type { BackendChoice } from '../runtime/choose-backend.ts';
import type { MlErrorValue } from '../runtime/ml-error.ts';
import type { SessionTiming } from '../runtime/session-cache.ts';

export type TagOptions = {
  /** Read text too (default true). */
  readonly ocr?: boolean;
  /** Imported classifiers to run, by the id importClassifier returned. */
  readonly classifierIds?: readonly string[];
  /** Decode budget; detection letterboxes to 512 anyway, OCR likes detail. Default 4 MP. */
  readonly maxPixels?: number;
  /** Find faces and embed them (ml/faces/find-faces.ts); default false, the per-device setting decides. */
  readonly faces?: boolean;
  /**
   * One half of the photo, so a pool gives a lone photo both cores (ml-worker-pool.ts):
   * 'objects' = detector, faces, imported classifiers, and `objects` in the answer; 'text' = OCR
   * only. The pool joins the halves (merge-tag-parts.ts). Default: the whole photo.
   */
  readonly part?: TagPart;
};

export type TagPart = 'objects' | 'text';

/** What an 'objects' half answers besides its tags: every detection the tag policy splits, so the join can split again with the other half's text. */
export type ObjectsPart = { readonly width: number; readonly height: number; readonly detections: Detection[] };

/** A face as the worker returns it: box in the photo's pixels, and its embedding (sealed before storing). */
export type FaceResult = { readonly box: Box; readonly score: number; readonly embedding: number[] };

export type Classification = { readonly classifierId: string; readonly name: string; readonly labels: ClassScore[] };

export type TagTimings = { decodeMs: number; detectMs: number; ocrMs: number; classifyMs: number; facesMs?: number };

export type TagResult = {
  /** Tags: shown on the photo (ml/detect/tag-policy.ts decides). */
  labels: Detection[];
  /** "Maybe" candidates: not tags, searchable with a lower rank; one per class, none a tag's class. */
  candidates: Detection[];
  text: OcrLine[];
  classifications: Classification[];
  /** Present when faces were asked for: every face found, best first. */
  faces?: FaceResult[];
  /** Stored with the results; a different current version means re-index. */
  pipelineVersion: string;
  /** Wall time inside the worker for this photo, model loading included. */
  ms: number;
  timings: TagTimings;
  /** Set when the photo could not be (fully) tagged; what ran before is kept. */
  error?: MlErrorValue;
  /** Only in the answer to an 'objects' half (TagOptions.part); in photo pixels. */
  objects?: ObjectsPart;
};

/** `threads` are each worker's; `workers`, set by a pool (ml-worker-pool.ts), how many run side by side. */
export type DebugInfo = BackendChoice & { sessions: SessionTiming[]; workers?: number };

export type ImportedClassifier = { id: string; name: string; labelCount: number };

/** What the ML worker exposes. Every call's args and answer are schema-checked (ml-api-schema.ts). */
export type MlApi = {
  tag(imageBytes: Uint8Array, options: TagOptions): Promise<TagResult>;
  debugInfo(): Promise<DebugInfo>;
  /** Load (and warm up) the models tag() would need with these options, e.g. while the app is idle. */
  preload(options: TagOptions): Promise<DebugInfo>;
  /** Spec is checked with validateClassifierSpec inside the worker, so it crosses as unknown. */
  importClassifier(modelBytes: Uint8Array, spec: unknown, sha256: string): Promise<ImportedClassifier>;
};
