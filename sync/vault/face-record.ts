import { fromBase64Url, toBase64Url } from '../../crypto/index.ts';
import { faceIdOf, isFaceId } from './people.ts';
import type { VaultDeviceRecords } from './vault-device-records.ts';

/** The device record (sealed under the vault key, never synced) that holds this device's face embeddings. */
export const FACE_RECORD = 'faces';
const RECORD_VERSION = 1;
const SAVE_DELAY_MS = 400;
/** A refused save (full disk) is tried again this long after. */
const RETRY_MS = 30_000;
/** The lock (VaultServices.exclusive) under which the profile's tabs read-merge-write the record one at a time. */
const FACE_LOCK = 'obscura-face-record';

/**
 * This device's face embeddings, by face id (people.ts), and which notes it has scanned.
 * Embeddings identify a person's face, so they live only here: a device record sealed under
 * the vault key (device-record.ts), never in a notebook, the vault doc or any frame.
 */
export interface FaceRecord {
  /** E_FACES_UNSAVED while what put() added could not be saved (full disk); it is kept and tried again. */
  problem(): 'E_FACES_UNSAVED' | undefined;
  embeddings(): ReadonlyMap<string, Float32Array>;
  isScanned(notebookId: string, noteId: string): boolean;
  /** Records a note's scan (no faces is a scan too) and saves soon after. */
  put(notebookId: string, noteId: string, embeddings: readonly Float32Array[]): void;
  /** Saves what put() added and is not saved yet, merged with what the profile's other tabs saved. */
  flush(): Promise<void>;
  /** Stops saving (the record is about to be removed) once a save under way has ended. */
  discard(): Promise<void>;
}

export interface FaceRecordOptions {
  /** Floats per embedding (the face model's, ml/faces/embed-face.ts): others are dropped as damaged. */
  readonly dims: number;
  /** Called whenever the faces change (put here, or taken in from another tab's save). */
  readonly onChange?: () => void;
  /** Called when problem() changes. */
  readonly onProblem?: () => void;
  /** The profile's lock (VaultServices.exclusive, navigator.locks in the app): one tab's save at a time. */
  readonly exclusive?: <T>(name: string, work: () => Promise<T>) => Promise<T>;
  /** How long after a refused save it is tried again. */
  readonly retryMs?: number;
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

/** What a record holds; undefined when it is missing, damaged or of another version. */
function decodeRecord(bytes: Uint8Array, dims: number): { scanned: Set<string>; faces: Map<string, Float32Array> } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
  if (!isStored(parsed)) return undefined;
  const faces = new Map<string, Float32Array>();
  for (const [id, text] of Object.entries(parsed.faces)) {
    const e = decodeEmbedding(text, dims);
    if (isFaceId(id) && e) faces.set(id, e);
  }
  return { scanned: new Set(parsed.scanned), faces };
}

/** `<notebook>/<note>` of a face id `<notebook>/<note>#<index>`. */
const noteOf = (faceId: string): string => faceId.slice(0, faceId.lastIndexOf('#'));
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Reads this device's record; a missing or damaged one is an empty store (its notes are scanned again). */
export async function loadFaceRecord(records: Pick<VaultDeviceRecords, 'load' | 'save'>, options: FaceRecordOptions): Promise<FaceRecord> {
  const readRecord = async () => {
    const record = await records.load(FACE_RECORD).catch(() => undefined);
    return record?.ok ? decodeRecord(record.value, options.dims) : undefined;
  };
  const loaded = await readRecord();
  const faces = loaded?.faces ?? new Map<string, Float32Array>();
  const scanned = loaded?.scanned ?? new Set<string>();
  /** Notes put() here and not saved yet, with the put's number: for these this tab's faces win over the record's. */
  const unsaved = new Map<string, number>();
  let puts = 0;
  const exclusive = options.exclusive ?? (<T>(_: string, work: () => Promise<T>) => work());
  let problem: 'E_FACES_UNSAVED' | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let saving: Promise<void> = Promise.resolve();
  let discarded = false;

  const setProblem = (next: typeof problem) => {
    if (next === problem) return;
    problem = next;
    options.onProblem?.();
  };

  /**
   * Another tab of the profile writes the same record: what it saved since this tab read it is
   * taken in (the record's faces of a note replace this tab's, except for notes scanned here
   * and not saved yet), so the record written next holds both tabs' faces.
   */
  const takeInStored = async () => {
    const stored = await readRecord();
    if (!stored) return;
    let changed = false;
    for (const key of stored.scanned) {
      if (unsaved.has(key)) continue;
      if (!scanned.has(key)) {
        scanned.add(key);
        changed = true;
      }
      for (const id of [...faces.keys()]) if (noteOf(id) === key && !stored.faces.has(id)) changed = faces.delete(id) || changed;
    }
    for (const [id, e] of stored.faces) {
      const mine = faces.get(id);
      if (unsaved.has(noteOf(id)) || (mine && same(mine, e))) continue;
      faces.set(id, e);
      changed = true;
    }
    if (changed) options.onChange?.();
  };

  const write = async () => {
    if (discarded) return;
    let writing = new Map<string, number>();
    try {
      await exclusive(FACE_LOCK, async () => {
        await takeInStored();
        if (discarded) return;
        // What is written is what is in memory now: a put() from here on is newer than the record.
        writing = new Map(unsaved);
        const stored: Stored = { v: RECORD_VERSION, scanned: [...scanned], faces: {} };
        for (const [id, e] of faces) stored.faces[id] = toBase64Url(new Uint8Array(e.buffer, e.byteOffset, e.byteLength));
        await records.save(FACE_RECORD, new TextEncoder().encode(JSON.stringify(stored)));
      });
      for (const [key, put] of writing) if (unsaved.get(key) === put) unsaved.delete(key);
      setProblem(undefined);
    } catch {
      // Full disk (or a vault locked meanwhile): what was found stays in memory and is saved
      // again later, so nothing is lost and no note is scanned again meanwhile. Told once.
      setProblem('E_FACES_UNSAVED');
      if (!discarded) timer ??= setTimeout(() => void save(), options.retryMs ?? RETRY_MS);
    }
  };
  const save = (): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (discarded) return saving;
    saving = saving.then(write);
    return saving;
  };
  return {
    problem: () => problem,
    embeddings: () => faces,
    isScanned: (notebookId, noteId) => scanned.has(`${notebookId}/${noteId}`),
    put(notebookId, noteId, list) {
      if (discarded) return;
      const key = `${notebookId}/${noteId}`;
      scanned.add(key);
      unsaved.set(key, ++puts);
      // A new scan of the note replaces its faces (their indices are the note's face boxes).
      for (const id of [...faces.keys()]) if (noteOf(id) === key) faces.delete(id);
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
