import type * as Y from 'yjs';
import { readLabels, readOcr } from '../notebook/labels.ts';
import { readNotes } from '../notebook/notes.ts';
import { readNotePhoto, type PhotoRecord } from '../notebook/photos.ts';

/** One note as the plain export writes it (notes.json and the Markdown file). */
export interface ExportedNote {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly created: string;
  readonly updated: string;
  readonly labels: readonly { label: string; score: number; source: 'model' | 'user'; model?: string }[];
  readonly ocr: readonly { text: string; confidence: number }[];
  /** File name of the photo in the notebook's folder, if the note has one. */
  readonly photo?: string;
  /** Base name (no extension) shared by the note's .md and photo files. */
  readonly file: string;
}

export interface NoteWithPhoto {
  readonly note: ExportedNote;
  readonly photo?: PhotoRecord;
}

const EXTENSIONS: Readonly<Record<string, string>> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif', 'image/avif': 'avif', 'image/heic': 'heic' };

/** A file or folder name that every OS accepts and that says what it holds. */
export function safeName(text: string, fallback: string): string {
  const cleaned = text
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 60)
    .trim();
  return cleaned || fallback;
}

/** A name not yet in `taken` (adds " 2", " 3"…); records it, case-insensitively. */
export function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${name} ${n}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

/** Every note of a notebook doc, newest first, with unique file names. */
export function exportNotes(doc: Y.Doc): NoteWithPhoto[] {
  const taken = new Set<string>(['notes.json']);
  return readNotes(doc).map((view) => {
    const photo = readNotePhoto(doc, view.id);
    const date = view.createdAt > 0 ? new Date(view.createdAt).toISOString().slice(0, 10) : 'undated';
    const file = uniqueName(`${date} ${safeName(view.title, 'Untitled')}`, taken);
    const note: ExportedNote = {
      id: view.id,
      title: view.title,
      body: view.body,
      created: new Date(view.createdAt).toISOString(),
      updated: new Date(view.updatedAt).toISOString(),
      labels: readLabels(doc, view.id).map((l) => ({ label: l.label, score: l.score, source: l.source, ...(l.source === 'model' && { model: `${l.modelId}@${l.modelVersion}` }) })),
      ocr: readOcr(doc, view.id).map((line) => ({ text: line.text, confidence: line.confidence })),
      ...(photo && { photo: `${file}.${EXTENSIONS[photo.mime] ?? 'img'}` }),
      file,
    };
    return photo ? { note, photo } : { note };
  });
}

/** The note as Markdown: title, dates, labels with scores and source, photo, OCR text, body. */
export function noteMarkdown(note: ExportedNote, photoMissing = false): string {
  const lines = [`# ${note.title || 'Untitled'}`, '', `- Created: ${note.created}`, `- Updated: ${note.updated}`];
  if (note.labels.length > 0) {
    lines.push('- Labels:');
    for (const l of note.labels) lines.push(`  - ${l.label} (${l.score.toFixed(2)}, ${l.source === 'user' ? 'added by you' : `model ${l.model ?? ''}`})`);
  }
  if (note.photo) lines.push('', photoMissing ? `Photo: not on this device when exported (${note.photo})` : `![Photo](<${note.photo}>)`);
  if (note.ocr.length > 0) lines.push('', '## Text in the photo', '', ...note.ocr.map((line) => `> ${line.text}`));
  if (note.body) lines.push('', '## Note', '', note.body);
  return `${lines.join('\n')}\n`;
}
