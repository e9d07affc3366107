import type { ModelManifestEntry } from '../../models/manifest.ts';

/**
 * Bump when pre/post-processing changes in a way that changes results
 * (thresholds, word-space recovery, letterboxing), even with the same models.
 */
export const PIPELINE_CODE_VERSION = 1;

export type PipelineParts = {
  readonly detector: Pick<ModelManifestEntry, 'id' | 'version'>;
  /** det, cls, rec; absent when OCR did not run. */
  readonly ocr?: readonly Pick<ModelManifestEntry, 'id' | 'version'>[];
  /** Imported classifiers by id (their id is derived from their sha256). */
  readonly classifiers?: readonly string[];
};

/**
 * e.g. `pipeline@1+detector@centernet-mobilenetv3-coco80:1.0.0+ocr@ppocr-v4-det:1.0.0,...`.
 * Stored with every result: when a photo's stored version differs from the
 * current one, the app re-indexes it (ARCHITECTURE §5).
 */
export function pipelineVersion(parts: PipelineParts): string {
  const model = (m: Pick<ModelManifestEntry, 'id' | 'version'>) => `${m.id}:${m.version}`;
  const out = [`pipeline@${PIPELINE_CODE_VERSION}`, `detector@${model(parts.detector)}`];
  if (parts.ocr && parts.ocr.length > 0) out.push(`ocr@${parts.ocr.map(model).join(',')}`);
  if (parts.classifiers && parts.classifiers.length > 0) out.push(`classify@${[...parts.classifiers].sort().join(',')}`);
  return out.join('+');
}
