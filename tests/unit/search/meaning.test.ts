import { describe, expect, it } from 'vitest';
import type { NoteRecord } from '../../../ml/search/note-record.ts';
import { NoteSearchIndex } from '../../../ml/search/search-index.ts';

const at = (n: number) => Date.UTC(2026, 10, n);
const note = (id: string, labels: string[], extra: Partial<NoteRecord> = {}): NoteRecord => ({
  id,
  notebookId: 'nb',
  title: '',
  body: '',
  labels: labels.map((label) => ({ label, score: 0.8, source: 'model' as const })),
  ocrText: '',
  createdAt: at(1),
  ...extra,
});

/** One photo per meaning the issue names (issue 17 §2), plus notes that must not come back. */
const NOTES: readonly NoteRecord[] = [
  note('moto', ['motorcycle']),
  note('auto', ['car']),
  note('mug', ['cup']),
  note('phone', ['cell phone']),
  note('dog', ['dog']),
  note('cat', ['cat']),
  note('sofa', ['couch']),
  note('pizza', ['pizza']),
  note('laptop', ['laptop']),
  note('person', ['person']),
  note('knife', ['knife']),
  note('tabby', ['tabby, tabby cat']),
  note('text', [], { ocrText: 'Fresh coffee\nMotorbike parts sold here' }),
];

const ids = (index: NoteSearchIndex, q: string) => index.search(q).map((h) => h.id);

describe('search by meaning: synonyms, broader terms, plurals, typos (issue 17 §2)', () => {
  const index = new NoteSearchIndex();
  for (const n of NOTES) index.upsert(n);

  it.each([
    ['motorbike', 'moto'],
    ['automobile', 'auto'],
    ['mug', 'mug'],
    ['smartphone', 'phone'],
    ['puppy', 'dog'],
    ['kitty', 'cat'],
    ['sofa', 'sofa'],
  ])('synonym "%s" finds the %s photo', (query, id) => {
    expect(ids(index, query)).toContain(id);
  });

  it.each([
    ['vehicle', ['moto', 'auto']],
    ['animal', ['dog', 'cat', 'tabby']],
    ['furniture', ['sofa']],
    ['pet', ['dog', 'cat', 'tabby']],
    ['food', ['pizza']],
    ['electronics', ['phone', 'laptop']],
  ])('broader "%s" finds %j', (query, expected) => {
    expect(ids(index, query).sort()).toEqual(expect.arrayContaining(expected as string[]));
  });

  it('an imported classifier label reaches the COCO label it names a kind of: "kitty" finds the tabby', () => {
    expect(ids(index, 'kitty')).toEqual(expect.arrayContaining(['cat', 'tabby']));
  });

  it.each([
    ['motorbikes', 'moto'],
    ['cats', 'cat'],
    ['puppies', 'dog'],
    ['sofas', 'sofa'],
    ['mugs', 'mug'],
    ['knives', 'knife'],
  ])('plural "%s" finds the %s photo', (query, id) => {
    expect(ids(index, query)).toContain(id);
  });

  it.each([
    ['motorbkie', 'moto'],
    ['kity', 'cat'],
    ['smartphnoe', 'phone'],
  ])('light typo "%s" still finds the %s photo', (query, id) => {
    expect(ids(index, query)).toContain(id);
  });

  it('does not reach unrelated photos: "kitty" is not the dog, "vehicle" not the sofa', () => {
    expect(ids(index, 'kitty')).not.toContain('dog');
    expect(ids(index, 'vehicle')).not.toContain('sofa');
    expect(ids(index, 'mug')).not.toContain('person');
  });

  it('ranks exact label > synonym > broader term > OCR text', () => {
    const local = new NoteSearchIndex();
    // Newest first would give the reverse order: ranking, not dates, must decide.
    local.upsert(note('ocr', [], { ocrText: 'motorbike vehicle', createdAt: at(9) }));
    local.upsert(note('broader', ['car'], { createdAt: at(8) }));
    local.upsert(note('synonym', ['motorcycle'], { createdAt: at(7) }));
    local.upsert(note('exact', ['motorbike'], { createdAt: at(6) }));
    local.upsert(note('exact-vehicle', ['vehicle'], { createdAt: at(5) }));
    expect(ids(local, 'motorbike')).toEqual(['exact', 'synonym', 'ocr']);
    const vehicle = ids(local, 'vehicle');
    expect(vehicle[0]).toBe('exact-vehicle');
    // car, motorcycle and the imported "motorbike" (a word for motorcycle) are all vehicles.
    expect(vehicle.slice(1, -1).sort()).toEqual(['broader', 'exact', 'synonym']);
    expect(vehicle[vehicle.length - 1]).toBe('ocr');
  });

  it('ranks the same way when the broader term is on hundreds of notes (the newest-first path)', () => {
    const local = new NoteSearchIndex();
    for (let i = 0; i < 600; i++) local.upsert(note(`car${i}`, ['car'], { createdAt: at(20) + i }));
    local.upsert(note('ocr', [], { ocrText: 'vehicle registration', createdAt: at(25) }));
    local.upsert(note('motorbike', ['motorbike'], { createdAt: at(1) }));
    const hits = ids(local, 'motorbike');
    expect(hits[0]).toBe('motorbike');
    const vehicle = local.search('vehicle', { limit: 700 }).map((h) => h.id);
    expect(vehicle).toHaveLength(602);
    expect(vehicle[vehicle.length - 1]).toBe('ocr');
  });

  it('says why: each distinct reason once, a synonym named as such with the label it reached', () => {
    const [hit] = index.search('motorbike');
    expect(hit?.id).toBe('moto');
    expect(hit?.matches).toContainEqual(expect.objectContaining({ field: 'synonym', label: 'motorcycle', query: 'motorbike' }));
    const text = index.search('motorbike').find((h) => h.id === 'text');
    expect(text?.matches).toContainEqual(expect.objectContaining({ field: 'ocr', line: 1 }));
    for (const h of index.search('moto')) {
      const keys = h.matches.map((m) => `${m.field}|${m.label ?? ''}|${m.snippet?.text ?? ''}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('a word of a label that is a label itself does not find it ("dog" is not the hot dog); the whole label typed does', () => {
    const local = new NoteSearchIndex();
    local.upsert(note('dog', ['dog'], { createdAt: at(1) }));
    local.upsert(note('hotdog', ['hot dog'], { createdAt: at(2) }));
    local.upsert(note('teddy', ['teddy bear'], { createdAt: at(3) }));
    local.upsert(note('stand', [], { title: 'Hot dog stand', createdAt: at(4) }));
    local.upsert(note('wine', ['wine glass'], { createdAt: at(5) }));
    // The stand's title says "dog": text is text.
    expect(ids(local, 'dog').sort()).toEqual(['dog', 'stand']);
    expect(ids(local, 'dogs').sort()).toEqual(['dog', 'stand']);
    expect(ids(local, 'bear')).toEqual([]);
    expect(ids(local, 'hot dog').sort()).toEqual(['hotdog', 'stand']);
    expect(ids(local, 'hot dogs')).toContain('hotdog');
    expect(ids(local, 'teddy bear')).toEqual(['teddy']);
    // Words of a label that are not labels on their own still find it; the table still reaches it.
    expect(ids(local, 'hot')).toContain('hotdog');
    expect(ids(local, 'glass')).toEqual(['wine']);
    const [hit] = local.search('hot dog label:"hot dog"');
    expect(hit?.matches).toContainEqual(expect.objectContaining({ field: 'label', label: 'hot dog' }));
  });
});
