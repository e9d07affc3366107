import type { ModelManifest, ModelManifestEntry } from '../../models/manifest.ts';

/**
 * Bump when pre/post-processing changes in a way that changes results
 * (thresholds, word-space recovery, letterboxing, input sizes), even with the same models.
 * 2: the OCR detector sees 640 px on the long side, not 960.
 * 3: tags and candidates by the tag policy (ml/detect/tag-policy.ts); OCR tries a small photo
 *    with no text found once more, enlarged.
 */
export const PIPELINE_CODE_VERSION = 3;

type ModelRef = Pick<ModelManifestEntry, 'id' | 'version'>;

export type PipelineParts = {
  readonly detector: ModelRef;
  /** det, cls, rec; absent when OCR did not run. */
  readonly ocr?: readonly ModelRef[];
  /** Imported classifiers by id (their id is derived from their sha256). */
  readonly classifiers?: readonly string[];
  /** Face detector and embedder; absent when faces were not asked for. */
  readonly faces?: readonly ModelRef[];
};

/**
 * e.g. `pipeline@1+detector@centernet-mobilenetv3-coco80:1.0.0+ocr@ppocr-v4-det:1.0.0,...`.
 * Stored with every result: when a photo's stored version differs from the
 * current one, the app re-indexes it (ARCHITECTURE §5).
 */
export function pipelineVersion(parts: PipelineParts): string {
  const model = (m: ModelRef) => `${m.id}:${m.version}`;
  const out = [`pipeline@${PIPELINE_CODE_VERSION}`, `detector@${model(parts.detector)}`];
  if (parts.ocr && parts.ocr.length > 0) out.push(`ocr@${parts.ocr.map(model).join(',')}`);
  if (parts.classifiers && parts.classifiers.length > 0) out.push(`classify@${[...parts.classifiers].sort().join(',')}`);
  if (parts.faces && parts.faces.length > 0) out.push(`faces@${parts.faces.map(model).join(',')}`);
  return out.join('+');
}

/** The manifest's model for a task (detect, ocr-detect, ocr-angle, ocr-recognize). */
export function modelForTask(manifest: ModelManifest, task: string): ModelManifestEntry {
  const m = manifest.models.find((e) => e.task === task);
  if (!m) throw new Error(`models/manifest.json has no ${task} model`);
  return m;
}

/**
 * The version tag() would stamp on a photo with these options; the app
 * compares it with stored versions to find photos to re-index, without
 * starting the worker.
 */
export function pipelineVersionFor(
  manifest: ModelManifest,
  options: { readonly ocr?: boolean; readonly classifierIds?: readonly string[]; readonly faces?: boolean },
): string {
  const task = (t: string) => modelForTask(manifest, t);
  return pipelineVersion({
    detector: task('detect'),
    ocr: options.ocr === false ? undefined : [task('ocr-detect'), task('ocr-angle'), task('ocr-recognize')],
    classifiers: options.classifierIds,
    faces: options.faces === true ? [task('face-detect'), task('face-embed')] : undefined,
  });
}
