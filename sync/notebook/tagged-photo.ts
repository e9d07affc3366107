import type * as Y from 'yjs';
import { writeTagResults, type LabelBox, type LabelRecord, type OcrRecord } from './labels.ts';
import { setTaggingStatus } from './photos.ts';

type Found = Omit<LabelRecord, 'source'>;

/**
 * What the ML pipeline says of one photo, as the notebook stores it (the shape of the ML
 * worker's answer, ml/worker/ml-api.ts TagResult, without importing ml/: sync never does).
 */
export interface TaggedPhoto {
  /** Tags by the calibrated bar of ml/detect/tag-policy.ts. */
  readonly labels: readonly Found[];
  /** "Maybe" labels: under that bar. */
  readonly candidates: readonly Found[];
  readonly text: readonly OcrRecord[];
  /** Imported classifiers' top labels, which describe the whole photo. */
  readonly classifications: readonly { readonly classifierId: string; readonly name: string; readonly labels: readonly { readonly label: string; readonly score: number }[] }[];
  /** Stamped on the note so that another pipeline re-tags it. */
  readonly pipelineVersion: string;
}

const NO_BOX: LabelBox = [0, 0, 0, 0];
const plain = (l: Found): Found => ({ label: l.label, score: l.score, box: l.box, modelId: l.modelId, modelVersion: l.modelVersion });

/**
 * Writes a photo's labels, candidates and text into the plain doc and marks the note tagged,
 * in one transaction. `threshold` is the person's own bar on top of the calibrated one: a tag
 * under it becomes a "maybe", so raising the bar hides a label without losing it.
 */
export function writeTaggedPhoto(doc: Y.Doc, noteId: string, tagged: TaggedPhoto, threshold: number): void {
  const kept = tagged.labels.filter((l) => l.score >= threshold);
  const keptNames = new Set(kept.map((l) => l.label));
  const bestBelow = new Map<string, Found>();
  for (const l of tagged.labels) if (l.score < threshold && !keptNames.has(l.label) && !bestBelow.has(l.label)) bestBelow.set(l.label, l);
  const classified = tagged.classifications.flatMap((c) =>
    c.labels.map((l) => ({ label: l.label, score: l.score, box: NO_BOX, modelId: c.classifierId, modelVersion: c.name })),
  );
  doc.transact(() => {
    writeTagResults(doc, noteId, {
      labels: [...kept.map(plain), ...classified],
      candidates: [...bestBelow.values(), ...tagged.candidates].sort((a, b) => b.score - a.score).map(plain),
      ocr: tagged.text.map((line) => ({ text: line.text, confidence: line.confidence, box: line.box })),
      pipelineVersion: tagged.pipelineVersion,
    });
    setTaggingStatus(doc, noteId, { state: 'done' });
  });
}
