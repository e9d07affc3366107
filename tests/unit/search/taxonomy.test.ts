import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLabels } from '../../../ml/detect/detection.ts';
import { Taxonomy, broaderTerms, defaultTaxonomy } from '../../../ml/search/taxonomy.ts';

const coco80 = parseLabels(readFileSync(new URL('../../../models/labels/coco80.txt', import.meta.url), 'utf8'));

describe('taxonomy', () => {
  it('gives every COCO-80 class at least one broader term', () => {
    expect(coco80).toHaveLength(80);
    expect(coco80.filter((label) => broaderTerms(label).length === 0)).toEqual([]);
  });

  it('follows broader terms transitively, nearest first, without duplicates', () => {
    expect(broaderTerms('cat')).toEqual(['animal', 'pet']);
    expect(broaderTerms('cow')).toEqual(['farm animal', 'animal']);
    expect(broaderTerms('cup')).toEqual(['tableware', 'drink', 'kitchen']);
    expect(broaderTerms('motorcycle')).toEqual(['vehicle']);
    expect(broaderTerms('cell phone')).toEqual(['phone', 'electronics']);
    expect(broaderTerms('Cell_Phone')).toEqual(['phone', 'electronics']);
  });

  it('resolves imported classifier labels: synonyms and head nouns, exact terms first', () => {
    expect(broaderTerms('tabby, tabby cat')).toEqual(['tabby', 'cat', 'animal', 'pet']);
    expect(broaderTerms('Egyptian cat')).toEqual(['cat', 'animal', 'pet']);
    expect(broaderTerms('sports car')).toEqual(['car', 'vehicle']);
    expect(broaderTerms('hot dog')).toEqual(['meal', 'food']);
    expect(broaderTerms('quantum flux capacitor')).toEqual([]);
  });

  it('takes added terms for an imported classifier without changing the bundled one', () => {
    const result = defaultTaxonomy.withTerms({ 'Persian cat': ['cat'], 'tiger cat': ['cat', 'striped'] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.taxonomy.broaderTerms('tiger cat')).toEqual(['cat', 'striped', 'animal', 'pet']);
    expect(result.taxonomy.has('persian cat')).toBe(true);
    expect(defaultTaxonomy.has('persian cat')).toBe(false);
  });

  it('E_TAXONOMY_INVALID: a cycle is rejected, with the cycle in the message', () => {
    const result = defaultTaxonomy.withTerms({ animal: ['cat'] });
    expect(result).toMatchObject({ ok: false, error: { code: 'E_TAXONOMY_INVALID' } });
    if (!result.ok) expect(result.error.message).toMatch(/cat -> animal -> cat|animal -> cat -> animal/);
  });

  it('E_TAXONOMY_INVALID: malformed documents are values, never throws', () => {
    for (const bad of [null, 'x', { version: 2, broader: {} }, { version: 1 }, { version: 1, broader: { a: 'b' } }, { version: 1, broader: { a: [1] } }]) {
      expect(Taxonomy.parse(bad)).toMatchObject({ ok: false, error: { code: 'E_TAXONOMY_INVALID' } });
    }
    expect(Taxonomy.parse({ version: 1, broader: { a: ['b'] } }).ok).toBe(true);
  });
});
