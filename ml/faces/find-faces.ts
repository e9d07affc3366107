import type { RgbaImage } from '../image/rgba-image.ts';
import type { Float32TensorCtor, OrtSession } from '../ocr/ocr-runtime.ts';
import { alignFace } from './align-face.ts';
import { detectFaces } from './detect-faces.ts';
import { embedFace, FACERES_IO } from './embed-face.ts';
import type { EmbeddedFace } from './face.ts';

export interface FaceModels {
  readonly detect: OrtSession;
  readonly embed: OrtSession;
  readonly Tensor: Float32TensorCtor;
}

/**
 * The face step, shared by the ML worker (ml/worker/tag-stages.ts) and the tag
 * CLI (models/tag-cli-file.ts): detect, then align and embed each face big
 * enough to be recognisable. Tuned on the tuning half of
 * tests/fixtures/faces (models/README.md, "Faces").
 */
export const FACE_POLICY = {
  minScore: 0.6,
  iouThreshold: 0.3,
  maxResults: 20,
  /** Faces under this many pixels on a side embed as noise and are left out. */
  minEmbedSide: 24,
  /** Crop side / box side for the embedder. */
  cropScale: 1.4,
  /**
   * Cosine similarity at which two faces are linked into one person (ml/faces/face-groups.ts):
   * the lowest with no false pair on the tuning photos (0.61) plus 0.02 (`npm run eval -- --sweep`).
   */
  groupThreshold: 0.63,
} as const;

export async function findFaces(image: RgbaImage, models: FaceModels): Promise<EmbeddedFace[]> {
  const boxes = await detectFaces(image, models.detect, models.Tensor, FACE_POLICY);
  const faces: EmbeddedFace[] = [];
  for (const face of boxes) {
    const side = Math.min(face.box[2] - face.box[0], face.box[3] - face.box[1]);
    if (side < FACE_POLICY.minEmbedSide) continue;
    const aligned = alignFace(image, face, FACERES_IO.inputSize, FACE_POLICY.cropScale);
    faces.push({ ...face, embedding: await embedFace(aligned, models.embed, models.Tensor) });
  }
  return faces;
}
