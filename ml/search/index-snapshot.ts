import type { NoteLabel, NoteRecord } from './note-record.ts';
import { NoteSearchIndex, type NoteSearchIndexOptions } from './search-index.ts';

/**
 * A search index as bytes, for the app to seal and keep (issue 17 §2: reopening a 100k-note
 * vault must not tokenize every note again). Layout, little-endian:
 *
 *   u8 version (1) ‖ u32 header length ‖ header (UTF-8 JSON) ‖ zeros to a multiple of 4 ‖
 *   u32 words: field lengths, tree shape, postings, key slots (TermIndexState)
 *
 * The header holds the caller's stamp (what state of the notes this index is of), the
 * index's fingerprint, the records, the radix tree's edges and the label keys. Read back, every part is
 * checked (shape, counts, slots, fingerprint): a snapshot that fails is rejected whole,
 * never partly used, so the caller rebuilds.
 */
const VERSION = 1;

export type IndexSnapshotError = { readonly code: 'E_SEARCH_INDEX_INVALID'; readonly message: string };
export type IndexSnapshotResult = { ok: true; stamp: string; index: NoteSearchIndex } | { ok: false; error: IndexSnapshotError };

const invalid = (message: string): IndexSnapshotResult => ({ ok: false, error: { code: 'E_SEARCH_INDEX_INVALID', message } });

interface Header {
  readonly stamp: string;
  readonly fingerprint: string;
  readonly records: readonly NoteRecord[];
  readonly ids: readonly (string | null)[];
  readonly freeSlots: readonly number[];
  readonly edges: readonly string[];
  readonly keys: readonly string[];
  /** Word counts of the four u32 sections. */
  readonly words: readonly [number, number, number, number];
}

export function encodeIndexSnapshot(index: NoteSearchIndex, stamp: string): Uint8Array {
  const { fingerprint, records, terms } = index.exportState();
  const header: Header = {
    stamp,
    fingerprint,
    records,
    // JSON has no undefined in arrays.
    ids: terms.ids.map((id) => id ?? null),
    freeSlots: terms.freeSlots,
    edges: terms.edges,
    keys: terms.keys,
    words: [terms.lengths.length, terms.shape.length, terms.postings.length, terms.keySlots.length],
  };
  const sections = [terms.lengths, terms.shape, terms.postings, terms.keySlots];
  const json = new TextEncoder().encode(JSON.stringify(header));
  const wordsAt = align4(5 + json.length);
  const total = wordsAt + 4 * header.words.reduce((a, b) => a + b, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out[0] = VERSION;
  view.setUint32(1, json.length, true);
  out.set(json, 5);
  // A Uint32Array view writes the host's byte order: every engine we run on is little-endian.
  const words = new Uint32Array(out.buffer, wordsAt);
  let at = 0;
  for (const section of sections) {
    words.set(section, at);
    at += section.length;
  }
  return out;
}

export function decodeIndexSnapshot(bytes: Uint8Array, options: NoteSearchIndexOptions = {}): IndexSnapshotResult {
  if (bytes.length < 5 || bytes[0] !== VERSION) return invalid('not a search index snapshot of a known version');
  const jsonLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1, true);
  if (5 + jsonLength > bytes.length) return invalid('header runs past the end');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(5, 5 + jsonLength)));
  } catch {
    return invalid('header is not UTF-8 JSON');
  }
  const header = readHeader(parsed);
  if (typeof header === 'string') return invalid(header);
  const wordsAt = align4(5 + jsonLength);
  if (bytes.length !== wordsAt + 4 * header.words.reduce((a, b) => a + b, 0)) return invalid('sections do not add up to the size');
  // A copy: the view needs an aligned offset, which a subarray of a stored value may not have.
  const words = new Uint32Array(bytes.slice(wordsAt).buffer);
  let at = 0;
  const [lengths, shape, postings, keySlots] = header.words.map((n) => words.subarray(at, (at += n))) as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  const restored = NoteSearchIndex.restore(
    {
      fingerprint: header.fingerprint,
      records: header.records,
      terms: {
        ids: header.ids.map((id) => id ?? undefined),
        freeSlots: header.freeSlots,
        lengths,
        edges: header.edges,
        shape,
        postings,
        keys: header.keys,
        keySlots,
      },
    },
    options,
  );
  if (typeof restored === 'string') return invalid(restored);
  return { ok: true, stamp: header.stamp, index: restored };
}

const align4 = (n: number) => (n + 3) & ~3;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

function readHeader(v: unknown): Header | string {
  if (!isRecord(v)) return 'header is not an object';
  const { stamp, fingerprint, records, ids, freeSlots, edges, keys, words } = v;
  if (typeof stamp !== 'string' || typeof fingerprint !== 'string') return 'stamp or fingerprint';
  if (!Array.isArray(records)) return 'records';
  const bad = records.findIndex((r) => !isNoteRecord(r));
  if (bad >= 0) return `record ${bad}`;
  const notes = records as NoteRecord[];
  if (!Array.isArray(ids) || !ids.every((id) => id === null || typeof id === 'string')) return 'slot ids';
  if (!Array.isArray(freeSlots) || !freeSlots.every(isCount)) return 'free slots';
  if (!isStringList(edges) || !isStringList(keys)) return 'edges or keys';
  if (!Array.isArray(words) || words.length !== 4 || !words.every(isCount)) return 'section sizes';
  return { stamp, fingerprint, records: notes, ids: ids as (string | null)[], freeSlots, edges, keys, words: words as [number, number, number, number] };
}

function isLabelList(v: unknown): v is NoteLabel[] {
  return Array.isArray(v) && v.every((l) => isRecord(l) && typeof l.label === 'string' && typeof l.score === 'number' && (l.source === 'model' || l.source === 'user'));
}

/** Checked in place, not copied: a copy of 100,000 records is what a reopen must not cost. */
function isNoteRecord(v: unknown): v is NoteRecord {
  if (!isRecord(v)) return false;
  const { id, notebookId, title, body, ocrText, createdAt, labels, candidates } = v;
  return (
    typeof id === 'string' &&
    typeof notebookId === 'string' &&
    typeof title === 'string' &&
    typeof body === 'string' &&
    typeof ocrText === 'string' &&
    typeof createdAt === 'number' &&
    Number.isFinite(createdAt) &&
    isLabelList(labels) &&
    (candidates === undefined || isLabelList(candidates))
  );
}
