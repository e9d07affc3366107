import { beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import * as Y from 'yjs';
import { createNote } from '../../../sync/notebook/notes.ts';
import * as labels from '../../../sync/notebook/labels.ts';
import type { LabelRecord, TagResults } from '../../../sync/notebook/labels.ts';

const model = { modelId: 'centernet', modelVersion: '1.0.0' } as const;
const RESULTS = {
  labels: [{ label: 'cup', score: 0.59, box: [10, 10, 200, 200], ...model }],
  candidates: [
    { label: 'dining table', score: 0.13, box: [0, 0, 600, 400], ...model },
    { label: 'spoon', score: 0.12, box: [300, 300, 350, 380], ...model },
  ],
  ocr: [],
  pipelineVersion: 'pipeline@2+detector@centernet:1.0.0',
} as TagResults;

type ReadCandidates = (doc: Y.Doc, id: string) => LabelRecord[];
/** Looked up by name so this file compiles (and fails) before readCandidates exists. */
const readCandidates = (doc: Y.Doc, id: string): LabelRecord[] => {
  const read = (labels as Record<string, unknown>).readCandidates as ReadCandidates | undefined;
  if (!read) throw new Error('sync/notebook/labels.ts has no readCandidates');
  return read(doc, id);
};

beforeAll(() => sodiumReady());

describe('"maybe" candidates in the notebook (issue 16 §1)', () => {
  it('are stored apart from the tags: readLabels gives the tags only', () => {
    const doc = new Y.Doc();
    const id = createNote(doc);
    labels.writeTagResults(doc, id, RESULTS);
    expect(labels.readLabels(doc, id).map((l) => l.label)).toEqual(['cup']);
    expect(readCandidates(doc, id).map((c) => [c.label, c.score])).toEqual([['dining table', 0.13], ['spoon', 0.12]]);
  });

  it('a re-index replaces them; one the person removed, or already a tag, is not kept', () => {
    const doc = new Y.Doc();
    const id = createNote(doc);
    labels.writeTagResults(doc, id, RESULTS);
    labels.removeLabel(doc, id, 'spoon'); // gone at once, and remembered
    expect(readCandidates(doc, id).map((c) => c.label)).toEqual(['dining table']);
    labels.addUserLabel(doc, id, 'dining table');
    labels.writeTagResults(doc, id, { ...RESULTS, pipelineVersion: 'v3' });
    expect(readCandidates(doc, id)).toEqual([]);
  });

  it('a candidate written by a peer with a bad shape is ignored', () => {
    const doc = new Y.Doc();
    const id = createNote(doc);
    labels.writeTagResults(doc, id, RESULTS);
    const note = doc.getMap('notes').get(id) as Y.Map<unknown>;
    (note.get('candidates') as Y.Array<unknown>).push([{ label: 42 }, { ...RESULTS.labels[0], label: 'spoon', source: 'user' }]);
    expect(readCandidates(doc, id).map((c) => c.label)).toEqual(['dining table', 'spoon']);
  });
});
