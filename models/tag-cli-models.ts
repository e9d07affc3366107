import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { DetectorModel } from '../ml/detect/detection.ts';
import { CENTERNET_IO, parseLabels } from '../ml/detect/detection.ts';
import type { FaceModels } from '../ml/faces/find-faces.ts';
import type { OcrModels } from '../ml/ocr/ocr-runtime.ts';
import { parseRecKeys } from '../ml/ocr/rec-keys.ts';
import { parseModelManifest, type ModelManifest, type ModelManifestEntry, type PinnedFile } from './manifest.ts';

/** Everything the tag CLI runs: the detector, the three OCR models and the two face models. */
export interface TagModels {
  readonly detector: DetectorModel;
  readonly detectSession: ort.InferenceSession;
  readonly ocr: OcrModels;
  readonly faces: FaceModels;
  release(): Promise<void>;
}

/**
 * Reads a pinned file only if its bytes match manifest.json: the same rule as
 * the app, so a swapped or half-built model is never run.
 */
async function verifiedBytes(modelsDir: string, f: PinnedFile): Promise<Uint8Array> {
  const path = join(modelsDir, f.file);
  const bytes = await readFile(path).catch(() => undefined);
  if (!bytes) throw new Error(`models/${f.file} is missing; run \`npm run models\``);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== f.sha256) {
    throw new Error(`models/${f.file} has sha256 ${sha256} but manifest.json pins ${f.sha256}; run \`npm run models\``);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function byTask(manifest: ModelManifest, task: string): ModelManifestEntry {
  const entry = manifest.models.find((m) => m.task === task);
  if (!entry) throw new Error(`models/manifest.json has no "${task}" model`);
  return entry;
}

/**
 * Loads and verifies the manifest's detector, OCR and face models and opens one
 * onnxruntime-node session per model (sessions are created from the verified
 * bytes, not the path, so the file cannot change between check and use).
 */
export async function loadTagModels(modelsDir: string, threads?: number): Promise<TagModels> {
  const manifest = parseModelManifest(JSON.parse(await readFile(join(modelsDir, 'manifest.json'), 'utf8')));
  const det = byTask(manifest, 'detect');
  const ocrDet = byTask(manifest, 'ocr-detect');
  const ocrRec = byTask(manifest, 'ocr-recognize');
  const ocrCls = byTask(manifest, 'ocr-angle');
  const faceDet = byTask(manifest, 'face-detect');
  const faceEmb = byTask(manifest, 'face-embed');
  if (!det.labels || !ocrRec.labels) throw new Error('models/manifest.json: detector or recognizer has no label file');
  // Verify every file before opening any session, in manifest order, so the
  // first bad file is the one reported.
  const bytes: Uint8Array[] = [];
  for (const f of [det, ocrDet, ocrRec, ocrCls, faceDet, faceEmb, det.labels, ocrRec.labels]) bytes.push(await verifiedBytes(modelsDir, f));
  const [detB, ocrDetB, ocrRecB, ocrClsB, faceDetB, faceEmbB, labelsB, keysB] = bytes as [
    Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array,
  ];
  const options: ort.InferenceSession.SessionOptions = threads ? { intraOpNumThreads: threads } : {};
  const [detectSession, detS, recS, clsS, faceDetS, faceEmbS] = await Promise.all(
    [detB, ocrDetB, ocrRecB, ocrClsB, faceDetB, faceEmbB].map((b) => ort.InferenceSession.create(b, options)),
  ) as [ort.InferenceSession, ort.InferenceSession, ort.InferenceSession, ort.InferenceSession, ort.InferenceSession, ort.InferenceSession];
  const labels = new TextDecoder().decode(labelsB);
  const keys = new TextDecoder().decode(keysB);
  const sessions = [detectSession, detS, recS, clsS, faceDetS, faceEmbS];
  return {
    detector: { id: det.id, version: det.version, labels: parseLabels(labels), ...CENTERNET_IO },
    detectSession,
    ocr: { det: detS, rec: recS, cls: clsS, keys: parseRecKeys(keys), Tensor: ort.Tensor },
    faces: { detect: faceDetS, embed: faceEmbS, Tensor: ort.Tensor },
    release: async () => {
      await Promise.all(sessions.map((s) => s.release()));
    },
  };
}
