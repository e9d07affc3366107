import { fromBase64Url, toBase64Url } from '../../crypto/index.ts';
import { faceIdOf, isFaceId } from './people.ts';
import type { Vault } from './vault.ts';

/** The device record (sealed under the vault key, never synced) that holds this device's face embeddings. */
export const FACE_RECORD = 'faces';
const RECORD_VERSION = 1;
const SAVE_DELAY_MS = 400;

/**
 * This device's face embeddings, by face id (people.ts), and which notes it has scanned.
 * Embeddings identify a person's face, so they live only here: a device record sealed under
 * the vault key (device-record.ts), never in a notebook, the vault doc or any frame.
 */
export interface FaceRecord {
  embeddings(): ReadonlyMap<string, Float32Array>;
  isScanned(notebookId: string, noteId: string): boolean;
  /** Records a note's scan (no faces is a scan too) and saves soon after. */
  put(notebookId: string, noteId: string, embeddings: readonly Float32Array[]): void;
  /** Saves what put() added and is not saved yet. */
  flush(): Promise<void>;
  /** Stops saving (the record is about to be removed) once a save under way has ended. */
  discard(): Promise<void>;
}

export interface FaceRecordOptions {
  /** Floats per embedding (the face model's, ml/faces/embed-face.ts): others are dropped as damaged. */
  readonly dims: number;
  /** Called whenever the faces change. */
  readonly onChange?: () => void;
}

type Stored = { v: number; scanned: string[]; faces: Record<string, string> };

const isStored = (v: unknown): v is Stored =>
  typeof v === 'object' && v !== null && (v as Stored).v === RECORD_VERSION && Array.isArray((v as Stored).scanned) &&
  (v as Stored).scanned.every((s) => typeof s === 'string') && typeof (v as Stored).faces === 'object' && (v as Stored).faces !== null;

function decodeEmbedding(text: unknown, dims: number): Float32Array | undefined {
  if (typeof text !== 'string') return undefined;
  const bytes = fromBase64Url(text);
  if (!bytes.ok || bytes.value.length !== dims * 4) return undefined;
  return new Float32Array(bytes.value.buffer, bytes.value.byteOffset, dims).slice();
}

/** Reads this device's record; a missing or damaged one is an empty store (its notes are scanned again). */
export async function loadFaceRecord(vault: Pick<Vault, 'loadDeviceRecord' | 'saveDeviceRecord'>, options: FaceRecordOptions): Promise<FaceRecord> {
  const faces = new Map<string, Float32Array>();
  const scanned = new Set<string>();
  const record = await vault.loadDeviceRecord(FACE_RECORD).catch(() => undefined);
  if (record?.ok) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(record.value));
    } catch {
      parsed = undefined;
    }
    if (isStored(parsed)) {
      for (const s of parsed.scanned) scanned.add(s);
      for (const [id, text] of Object.entries(parsed.faces)) {
        const e = decodeEmbedding(text, options.dims);
        if (isFaceId(id) && e) faces.set(id, e);
      }
    }
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  let saving: Promise<void> = Promise.resolve();
  let discarded = false;
  const save = (): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (discarded) return saving;
    const stored: Stored = { v: RECORD_VERSION, scanned: [...scanned], faces: {} };
    for (const [id, e] of faces) stored.faces[id] = toBase64Url(new Uint8Array(e.buffer, e.byteOffset, e.byteLength));
    const bytes = new TextEncoder().encode(JSON.stringify(stored));
    saving = saving.then(() => vault.saveDeviceRecord(FACE_RECORD, bytes)).catch(() => undefined);
    return saving;
  };
  return {
    embeddings: () => faces,
    isScanned: (notebookId, noteId) => scanned.has(`${notebookId}/${noteId}`),
    put(notebookId, noteId, list) {
      if (discarded) return;
      scanned.add(`${notebookId}/${noteId}`);
      // A new scan of the note replaces its faces (their indices are the note's face boxes).
      for (const id of [...faces.keys()]) if (id.startsWith(`${notebookId}/${noteId}#`)) faces.delete(id);
      list.forEach((e, i) => faces.set(faceIdOf(notebookId, noteId, i), e));
      options.onChange?.();
      timer ??= setTimeout(() => void save(), SAVE_DELAY_MS);
    },
    flush: () => (timer === undefined ? saving : save()),
    discard() {
      discarded = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      return saving;
    },
  };
}
