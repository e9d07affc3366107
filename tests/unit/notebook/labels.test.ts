import { beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import * as Y from 'yjs';
import { createNote } from '../../../sync/notebook/notes.ts';
import { addUserLabel, confirmLabel, isLabelRecord, readLabels, readOcr, readPipelineVersion, removeLabel, writeTagResults, type TagResults } from '../../../sync/notebook/labels.ts';
import { photoBlobAd } from '../../../sync/blob/photo-blob-ad.ts';

const RESULTS: TagResults = {
  labels: [
    { label: 'cat', score: 0.52, box: [10, 20, 200, 280], modelId: 'centernet', modelVersion: '1.0.0' },
    { label: 'cup', score: 0.31, box: [5, 5, 50, 50], modelId: 'centernet', modelVersion: '1.0.0' },
  ],
  ocr: [{ text: 'Receipt total 42.17', confidence: 0.93, box: [[0, 0], [100, 0], [100, 20], [0, 20]] }],
  pipelineVersion: 'pipeline@1+detector@centernet:1.0.0',
};

beforeAll(() => sodiumReady());

describe('labels and OCR lines', () => {
  it('stores what the pipeline found, with its version', () => {
    const doc = new Y.Doc();
    const id = createNote(doc);
    writeTagResults(doc, id, RESULTS);
    expect(readLabels(doc, id).map((l) => [l.label, l.source])).toEqual([['cat', 'model'], ['cup', 'model']]);
    expect(readOcr(doc, id)).toEqual(RESULTS.ocr);
    expect(readPipelineVersion(doc, id)).toBe(RESULTS.pipelineVersion);
  });

  it('a re-index replaces model labels and keeps hand-added ones', () => {
    const doc = new Y.Doc();
    const id = createNote(doc);
    writeTagResults(doc, id, RESULTS);
    expect(addUserLabel(doc, id, '  Kitchen ')).toBe(true);
    expect(addUserLabel(doc, id, 'kitchen')).toBe(false);
    expect(addUserLabel(doc, id, '   ')).toBe(false);
    writeTagResults(doc, id, { ...RESULTS, labels: [RESULTS.labels[0]!], ocr: [], pipelineVersion: 'v2' });
    expect(readLabels(doc, id).map((l) => [l.label, l.source]).sort()).toEqual([['cat', 'model'], ['kitchen', 'user']]);
    expect(readOcr(doc, id)).toEqual([]);
    expect(readPipelineVersion(doc, id)).toBe('v2');
  });

  it('a model label the person removed does not come back on re-index', () => {
    const doc = new Y.Doc();
    const id = createNote(doc);
    writeTagResults(doc, id, RESULTS);
    removeLabel(doc, id, 'cup');
    expect(readLabels(doc, id).map((l) => l.label)).toEqual(['cat']);
    writeTagResults(doc, id, RESULTS);
    expect(readLabels(doc, id).map((l) => l.label)).toEqual(['cat']);
    expect(addUserLabel(doc, id, 'cup')).toBe(true);
    expect(readLabels(doc, id).find((l) => l.label === 'cup')?.source).toBe('user');
  });

  it('a confirmed model label keeps its box and stays when a re-index no longer finds it', () => {
    const doc = new Y.Doc();
    const id = createNote(doc);
    writeTagResults(doc, id, RESULTS);
    expect(confirmLabel(doc, id, 'cat')).toBe(true);
    expect(confirmLabel(doc, id, 'cat')).toBe(false);
    expect(confirmLabel(doc, id, 'dog')).toBe(false);
    expect(readLabels(doc, id).filter((l) => l.label === 'cat').map((l) => l.source).sort()).toEqual(['model', 'user']);
    writeTagResults(doc, id, { ...RESULTS, labels: [RESULTS.labels[1]!] });
    expect(readLabels(doc, id).map((l) => [l.label, l.source]).sort()).toEqual([['cat', 'user'], ['cup', 'model']]);
  });

  it('ignores damaged entries a peer might have written', () => {
    const doc = new Y.Doc();
    const id = createNote(doc);
    writeTagResults(doc, id, RESULTS);
    const note = doc.getMap<Y.Map<unknown>>('notes').get(id);
    (note?.get('labels') as Y.Array<unknown>).push([{ label: 'x', score: 'high' }, 'cat', null]);
    (note?.get('ocr') as Y.Array<unknown>).push([{ text: 3 }]);
    expect(readLabels(doc, id)).toHaveLength(2);
    expect(readOcr(doc, id)).toHaveLength(1);
    expect(isLabelRecord({ ...RESULTS.labels[0], source: 'peer' })).toBe(false);
    expect(readLabels(doc, 'missing')).toEqual([]);
  });
});

describe('photoBlobAd', () => {
  it('differs for another notebook, note or purpose', () => {
    const base = Buffer.from(photoBlobAd('nb', 'note', 'photo')).toString('hex');
    for (const other of [photoBlobAd('nb2', 'note', 'photo'), photoBlobAd('nb', 'note2', 'photo'), photoBlobAd('nb', 'note', 'thumb'), photoBlobAd('nbn', 'ote', 'photo')]) {
      expect(Buffer.from(other).toString('hex')).not.toBe(base);
    }
  });
});
