import type { NoteRecord } from '../../../ml/search/note-record.ts';
import { NoteSearchIndex } from '../../../ml/search/search-index.ts';
import { syntheticNotes } from '../../bench/search/synthetic-notes.ts';

/** Filler notes' seed: change it to replay another random notebook. */
export const FILLER_SEED = 20261124;

const day = (y: number, m: number, d: number) => new Date(y, m - 1, d, 12).getTime();

/** The notes the tests look for; their photos are the skimage fixtures (ARCHITECTURE §8). */
export const NOTES: readonly NoteRecord[] = [
  {
    id: 'cat',
    notebookId: 'home',
    title: 'Chelsea on the sofa',
    body: 'She sleeps all afternoon.',
    labels: [{ label: 'cat', score: 0.52, source: 'model' }],
    ocrText: '',
    createdAt: day(2026, 1, 15),
  },
  {
    id: 'car',
    notebookId: 'home',
    title: 'Parking spot',
    body: 'Level 3, next to the lift.',
    labels: [{ label: 'car', score: 0.61, source: 'model' }],
    ocrText: '',
    createdAt: day(2026, 2, 3),
  },
  {
    id: 'coffee',
    notebookId: 'work',
    title: 'Morning',
    body: 'Flat white coffee before the standup, then the roadmap review.',
    labels: [
      { label: 'cup', score: 0.66, source: 'model' },
      { label: 'dining table', score: 0.31, source: 'model' },
    ],
    ocrText: '',
    createdAt: day(2026, 3, 10),
  },
  {
    id: 'page',
    notebookId: 'work',
    title: 'Scanned page',
    body: '',
    labels: [],
    ocrText: 'Grocery store\nReceipt total 42.17 EUR\nThank you for shopping',
    createdAt: day(2025, 12, 20),
  },
  {
    id: 'moto',
    notebookId: 'home',
    title: 'Weekend ride',
    body: 'New tyres at last.',
    labels: [
      { label: 'motorcycle', score: 0.7, source: 'model' },
      { label: 'person', score: 0.55, source: 'user' },
    ],
    ocrText: '',
    createdAt: day(2026, 4, 1),
  },
];

/** The five notes among 300 seeded filler notes in other notebooks, dated 2020-2021. */
export function buildIndex(): NoteSearchIndex {
  const index = new NoteSearchIndex();
  const { notes: filler } = syntheticNotes({ count: 300, seed: FILLER_SEED, vocabulary: 2_000, start: day(2020, 1, 1) });
  for (const note of [...filler.slice(0, 150), ...NOTES, ...filler.slice(150)]) index.upsert(note);
  return index;
}

export const ids = (hits: readonly { id: string }[]) => hits.map((h) => h.id).sort();

export { day };
