import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sodiumReady } from '../../../crypto/index.ts';
import { readCandidates, readLabels, readOcr, readPipelineVersion } from '../../../sync/notebook/labels.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { readTaggingStatus, setTaggingStatus } from '../../../sync/notebook/photos.ts';
import { writeTaggedPhoto, type TaggedPhoto } from '../../../sync/notebook/tagged-photo.ts';

const model = { modelId: 'centernet', modelVersion: '1.0.0' } as const;
const TAGGED: TaggedPhoto = {
  labels: [
    { label: 'cat', score: 0.62, box: [1, 2, 30, 40], ...model },
    { label: 'dog', score: 0.41, box: [5, 5, 20, 20], ...model },
    { label: 'dog', score: 0.35, box: [6, 6, 21, 21], ...model },
    { label: 'cat', score: 0.3, box: [50, 50, 60, 60], ...model },
  ],
  candidates: [{ label: 'couch', score: 0.38, box: [0, 0, 100, 80], ...model }],
  text: [{ text: 'HELLO', confidence: 0.9, box: [[0, 0], [10, 0], [10, 5], [0, 5]] }],
  classifications: [{ classifierId: 'clf-0123456789abcdef', name: 'Birds', labels: [{ label: 'robin', score: 0.8 }] }],
  pipelineVersion: 'pipeline@2+detector@centernet:1.0.0',
};

beforeAll(() => sodiumReady());

function taggedNote(threshold: number): { doc: Y.Doc; id: string } {
  const doc = new Y.Doc();
  const id = createNote(doc, { title: 'photo' });
  setTaggingStatus(doc, id, { state: 'queued' });
  writeTaggedPhoto(doc, id, TAGGED, threshold);
  return { doc, id };
}

describe('writeTaggedPhoto: a photo the ML pipeline tagged, as the notebook stores it', () => {
  it('keeps the tags over the person\'s bar, makes the best of each other label a "maybe", and marks the note done', () => {
    const { doc, id } = taggedNote(0.5);
    expect(readLabels(doc, id).map((l) => [l.label, l.score, l.modelId])).toEqual([
      ['cat', 0.62, 'centernet'],
      ['robin', 0.8, 'clf-0123456789abcdef'],
    ]);
    expect(readLabels(doc, id).find((l) => l.label === 'robin')?.box).toEqual([0, 0, 0, 0]);
    // The lower cat is under the bar but a cat is a tag already: no "maybe cat".
    expect(readCandidates(doc, id).map((l) => [l.label, l.score])).toEqual([
      ['dog', 0.41],
      ['couch', 0.38],
    ]);
    expect(readOcr(doc, id).map((l) => l.text)).toEqual(['HELLO']);
    expect(readPipelineVersion(doc, id)).toBe(TAGGED.pipelineVersion);
    expect(readTaggingStatus(doc, id)).toEqual({ state: 'done' });
  });

  it('a bar of zero keeps every detection as a tag', () => {
    const { doc, id } = taggedNote(0);
    expect(readLabels(doc, id).filter((l) => l.modelId === 'centernet')).toHaveLength(4);
    expect(readCandidates(doc, id).map((l) => l.label)).toEqual(['couch']);
  });
});
