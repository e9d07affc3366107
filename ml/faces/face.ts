import type { Box } from '../detect/detection.ts';
import type { Point } from '../image/crop-quad.ts';

/** A face BlazeFace found; box and landmarks in the image's pixels. */
export interface FaceBox {
  readonly box: Box;
  readonly score: number;
  /** Six points: the person's right eye, left eye, nose tip, mouth, right ear, left ear. */
  readonly landmarks: readonly Point[];
}

/** A face with its embedding: unit length, compared by dot product (cosine similarity). */
export interface EmbeddedFace extends FaceBox {
  readonly embedding: Float32Array;
}
