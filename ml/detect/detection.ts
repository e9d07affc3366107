/** [x1, y1, x2, y2] in original image pixels. */
export type Box = [number, number, number, number];

/**
 * One object found in a photo. modelId/modelVersion travel with the label so
 * a better model can re-index old photos (ARCHITECTURE §5).
 */
export interface Detection {
  readonly label: string;
  /** 0-based index into the model's label file (COCO-80 for CenterNet). */
  readonly classIndex: number;
  /** The model's own confidence, uncalibrated; show it, do not hide it. */
  readonly score: number;
  readonly box: Box;
  readonly modelId: string;
  readonly modelVersion: string;
}

/** What the pipeline needs to know about a detector model. */
export interface DetectorModel {
  readonly id: string;
  readonly version: string;
  readonly labels: readonly string[];
  readonly inputName: string;
  readonly outputName: string;
  /** Side of the square input; images are letterboxed to it. */
  readonly inputSize: number;
}

/** Tensor names and size of the converted CenterNet (see models/manifest.json). */
export const CENTERNET_IO = {
  inputName: 'tower_0/images',
  outputName: 'tower_0/detections',
  inputSize: 512,
} as const;

/** One label per line, as in models/labels/*.txt; blank trailing lines ignored. */
export function parseLabels(text: string): string[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
