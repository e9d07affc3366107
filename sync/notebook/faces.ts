import * as Y from 'yjs';
import type { LabelBox } from './labels.ts';
import { notesMap } from './notes.ts';

/**
 * A face found on a note's photo: its box in the photo's own pixels and the detector's
 * score. Stored in the sealed notebook doc, so every member of the notebook sees where the
 * faces are (THREAT_MODEL.md); the face's embedding, and who the face is, never come here
 * (src/app/face-store.ts, sync/vault/people.ts).
 */
export interface FaceBoxRecord {
  readonly box: LabelBox;
  readonly score: number;
}

/** At most this many faces per photo are kept (the detector's own cap, ml/faces/find-faces.ts). */
export const MAX_FACES_PER_PHOTO = 20;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Peers write this doc too: a record is used only if every field has the right shape. */
export function isFaceBoxRecord(v: unknown): v is FaceBoxRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Array.isArray((v as FaceBoxRecord).box) && (v as FaceBoxRecord).box.length === 4 && (v as FaceBoxRecord).box.every(isNum) && isNum((v as FaceBoxRecord).score);
}

function noteMap(doc: Y.Doc, id: string): Y.Map<unknown> | undefined {
  const note = notesMap(doc).get(id);
  return note instanceof Y.Map ? note : undefined;
}

/** Replaces the note's face boxes (a face scan supersedes the last one). */
export function writeFaceBoxes(doc: Y.Doc, id: string, faces: readonly FaceBoxRecord[]): void {
  const note = noteMap(doc, id);
  if (!note) return;
  note.set('faces', faces.slice(0, MAX_FACES_PER_PHOTO).map((f) => ({ box: [...f.box], score: f.score })));
}

/** The note's face boxes in the order the scan found them; a damaged list reads as none. */
export function readFaceBoxes(doc: Y.Doc, id: string): FaceBoxRecord[] {
  const value = noteMap(doc, id)?.get('faces');
  if (!Array.isArray(value) || value.length > MAX_FACES_PER_PHOTO || !value.every(isFaceBoxRecord)) return [];
  return value;
}

/** Whether some device has scanned this note's photo for faces (an empty list counts). */
export function hasFaceScan(doc: Y.Doc, id: string): boolean {
  return Array.isArray(noteMap(doc, id)?.get('faces'));
}
