import { readFile } from 'node:fs/promises';
import { detectObjects } from '../ml/detect/detect-objects.ts';
import { DETECT_POOL, splitTags, TAG_POLICY } from '../ml/detect/tag-policy.ts';
import type { Box, Detection } from '../ml/detect/detection.ts';
import { findFaces } from '../ml/faces/find-faces.ts';
import { decodeNode } from '../ml/image/decode-node.ts';
import type { Point, Quad } from '../ml/ocr/geometry.ts';
import { runOcr } from '../ml/ocr/ocr-pipeline.ts';
import type { TagModels } from './tag-cli-models.ts';

/** One file's result; the --json output is an array of these. */
export interface TagResult {
  readonly file: string;
  /** Tags, best first; COCO-80 names from models/labels/coco80.txt. */
  readonly labels: { label: string; score: number; box: Box }[];
  /** "Maybe" candidates (ml/detect/tag-policy.ts): the best box of each class below the tag bar, best first. */
  readonly candidates: { label: string; score: number; box: Box }[];
  /** Reading order; box is tl, tr, br, bl in image pixels (lines may be tilted). */
  readonly text: { text: string; confidence: number; box: Quad }[];
  /**
   * Faces, best first (ml/faces/find-faces.ts). The embedding is there only when
   * asked for (--embeddings): it identifies a person, so it is not printed by default.
   */
  readonly faces: TagFace[];
  /** Decode + detect + OCR, wall clock. */
  readonly ms: number;
  /** Set when the file could not be read or decoded; labels and text are then empty. */
  readonly error?: string;
}

export interface TagFace {
  readonly box: Box;
  readonly score: number;
  readonly embedding?: number[];
}

export interface TagFileOptions {
  /** Run the face step (default true, as the CLI does). */
  readonly faces?: boolean;
  /** Put each face's embedding in the result. */
  readonly embeddings?: boolean;
}

/** Same budget as the app's import: ML never needs more than a few megapixels. */
const MAX_PIXELS = 4_000_000;

const round = (v: number, digits: number): number => Number(v.toFixed(digits));
const roundPoint = ([x, y]: Point): Point => [round(x, 1), round(y, 1)];
const roundQuad = ([a, b, c, d]: Quad): Quad => [roundPoint(a), roundPoint(b), roundPoint(c), roundPoint(d)];
const roundBox = ([x1, y1, x2, y2]: Box): Box => [round(x1, 1), round(y1, 1), round(x2, 1), round(y2, 1)];

/** A human sentence for why a file could not be opened (Node error codes are cryptic). */
function readError(err: unknown): string {
  const code = err instanceof Error && 'code' in err ? String(err.code) : '';
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EISDIR') return 'is a directory, not an image file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return `could not read the file: ${err instanceof Error ? err.message : String(err)}`;
}

/** Decodes one file and runs the detector, OCR and the face step on it; never throws for a bad file. */
export async function tagFile(file: string, models: TagModels, options: TagFileOptions = {}): Promise<TagResult> {
  const t0 = performance.now();
  const failed = (error: string): TagResult => ({ file, labels: [], candidates: [], text: [], faces: [], ms: round(performance.now() - t0, 1), error });
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (err: unknown) {
    return failed(readError(err));
  }
  const decoded = await decodeNode(bytes, { maxPixels: MAX_PIXELS });
  if (!decoded.ok) return failed(`${decoded.code}: ${decoded.message}`);
  const found = await detectObjects(decoded.image, models.detectSession, {
    model: models.detector,
    Tensor: models.ocr.Tensor,
    minScore: TAG_POLICY.candidateScore,
    maxResults: DETECT_POOL,
  });
  const { lines } = await runOcr(decoded.image, models.ocr);
  const { tags, candidates } = splitTags(found, decoded.image, TAG_POLICY, lines);
  const faces = options.faces === false ? [] : await findFaces(decoded.image, models.faces);
  const plain = (d: Detection) => ({ label: d.label, score: round(d.score, 3), box: roundBox(d.box) });
  return {
    file,
    labels: tags.map(plain),
    candidates: candidates.map(plain),
    text: lines.map((l) => ({
      text: l.text,
      confidence: round(l.confidence, 3),
      box: roundQuad(l.box),
    })),
    faces: faces.map((f) => ({
      box: roundBox(f.box),
      score: round(f.score, 3),
      ...(options.embeddings ? { embedding: Array.from(f.embedding, (v) => round(v, 6)) } : {}),
    })),
    ms: round(performance.now() - t0, 1),
  };
}
