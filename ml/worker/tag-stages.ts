import type { Classifier } from '../classify/load-classifier.ts';
import { detectObjects } from '../detect/detect-objects.ts';
import { DETECT_POOL, splitTags, TAG_POLICY } from '../detect/tag-policy.ts';
import { CENTERNET_IO, parseLabels, type Box, type Detection } from '../detect/detection.ts';
import type { DecodeResult } from '../image/image-decoder.ts';
import type { ModelManifestEntry } from '../runtime/model-manifest.ts';
import type { Quad } from '../ocr/geometry.ts';
import { findFaces } from '../faces/find-faces.ts';
import { runOcr } from '../ocr/ocr-pipeline.ts';
import { parseRecKeys } from '../ocr/rec-keys.ts';
import type { TagPart, TagResult } from './ml-api.ts';
import type { MlStage } from './ml-budgets.ts';
import type { BackendChoice } from '../runtime/choose-backend.ts';
import type { OrtLike } from '../runtime/ort-like.ts';
import type { SessionCache } from '../runtime/session-cache.ts';

/** The backend, the runtime it loaded and its sessions; made once per worker. */
export type Runtime = { readonly choice: BackendChoice; readonly ort: OrtLike; readonly cache: SessionCache };

type Decoded = Extract<DecodeResult, { ok: true }>;

export type StagePlan = {
  /** One half of the photo (TagOptions.part), or the whole when undefined. */
  readonly part: TagPart | undefined;
  readonly ocr: boolean;
  readonly faces: boolean;
  readonly classifiers: readonly Classifier[];
  readonly byTask: (task: string) => ModelManifestEntry;
  /** Told before each imported classifier runs and after the last, so the client can time each one. */
  readonly onStage: (stage: MlStage) => void;
};

/**
 * Run the models on one decoded photo, filling `result` as each stage ends so
 * a failure in a later stage keeps the earlier stages' results.
 * Boxes are scaled back from the decoded (possibly downscaled) image to the
 * photo's own pixels, which is what the UI draws on.
 */
export async function runStages(rt: Runtime, decoded: Decoded, plan: StagePlan, result: TagResult): Promise<void> {
  const { image } = decoded;
  const sx = decoded.originalWidth / image.width;
  const sy = decoded.originalHeight / image.height;

  const scaled = (d: Detection): Detection => ({ ...d, box: scaleBox(d.box, sx, sy) });
  let t = performance.now();
  let split: ((text: readonly { text: string; box: Quad }[]) => void) | undefined;
  if (plan.part !== 'text') {
    const det = plan.byTask('detect');
    const labels = parseLabels(await rt.cache.labelsText(det.id));
    const model = { id: det.id, version: det.version, labels, ...CENTERNET_IO };
    const found = await detectObjects(image, await rt.cache.session(det.id), {
      model,
      Tensor: rt.ort.Tensor,
      minScore: TAG_POLICY.candidateScore,
      maxResults: DETECT_POOL,
    });
    // Split again once OCR has read the photo: digits inside a box confirm a clock.
    split = (text) => {
      const { tags, candidates } = splitTags(found, image, TAG_POLICY, text);
      result.labels = tags.map(scaled);
      result.candidates = candidates.map(scaled);
    };
    split([]);
    // The other half reads the text: the pool splits these again with it (merge-tag-parts.ts).
    if (plan.part === 'objects') result.objects = { width: decoded.originalWidth, height: decoded.originalHeight, detections: found.map(scaled) };
    result.timings.detectMs = Math.round(performance.now() - t);
  }

  if (plan.ocr && plan.part !== 'objects') {
    t = performance.now();
    const [detE, clsE, recE] = [plan.byTask('ocr-detect'), plan.byTask('ocr-angle'), plan.byTask('ocr-recognize')];
    const [detS, clsS, recS, keysText] = await Promise.all([
      rt.cache.session(detE.id),
      rt.cache.session(clsE.id),
      rt.cache.session(recE.id),
      rt.cache.labelsText(recE.id),
    ]);
    const models = { det: detS, cls: clsS, rec: recS, keys: parseRecKeys(keysText), Tensor: rt.ort.Tensor };
    const { lines } = await runOcr(image, models);
    split?.(lines);
    result.text = lines.map((l) => ({ ...l, box: l.box.map(([x, y]) => [x * sx, y * sy]) as Quad }));
    result.timings.ocrMs = Math.round(performance.now() - t);
  }

  if (plan.part === 'text') return;
  if (plan.faces) {
    t = performance.now();
    const [detect, embed] = await Promise.all([rt.cache.session(plan.byTask('face-detect').id), rt.cache.session(plan.byTask('face-embed').id)]);
    const faces = await findFaces(image, { detect, embed, Tensor: rt.ort.Tensor });
    result.faces = faces.map((f) => ({ box: scaleBox(f.box, sx, sy), score: f.score, embedding: Array.from(f.embedding) }));
    result.timings.facesMs = Math.round(performance.now() - t);
  }

  t = performance.now();
  try {
    for (const c of plan.classifiers) {
      plan.onStage({ stage: 'classify', modelId: c.id });
      result.classifications.push({ classifierId: c.id, name: c.spec.name, labels: await c.classify(image) });
    }
  } finally {
    plan.onStage({ stage: 'other' });
  }
  result.timings.classifyMs = Math.round(performance.now() - t);
}

function scaleBox([x1, y1, x2, y2]: Box, sx: number, sy: number): Box {
  return [x1 * sx, y1 * sy, x2 * sx, y2 * sy];
}
