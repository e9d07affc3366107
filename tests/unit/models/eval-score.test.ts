import { describe, expect, it } from 'vitest';
import { parseEvalExpected } from '../../../models/eval-expected.ts';
import { scoreSet, wordTokens, type PhotoOutcome } from '../../../models/eval-score.ts';

const LABELS = ['person', 'cat', 'clock', 'bird', 'boat', 'cup', 'spoon'];

function expected(json: unknown) {
  const r = parseEvalExpected(json, LABELS);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

const outcome = (file: string, tags: string[], text: string[] = [], candidates: string[] = []): PhotoOutcome => ({ file, tags, candidates, text });

describe('npm run eval scoring', () => {
  const set = expected({
    photos: {
      'cat.jpg': { objects: ['cat'], present: ['cup'] },
      'cup.jpg': { objects: ['cup', 'spoon'] },
      'coins.jpg': {},
      'sign.jpg': { words: ['NOTICE: Double-parking'] },
    },
    negatives: ['coins.jpg', 'sign.jpg'],
    heldOut: ['cup.jpg'],
  });

  it('counts distinct wrong labels per photo with and without objects, and required objects found', () => {
    const outcomes = new Map(
      [
        outcome('cat.jpg', ['cat', 'cup', 'clock', 'clock']), // cup is present (not wrong), clock twice is one wrong label
        outcome('cup.jpg', ['cup'], [], ['spoon', 'bird']),
        outcome('coins.jpg', ['clock', 'clock', 'bird']),
        outcome('sign.jpg', [], ['NOTICE', 'DOUBLE PARKING']),
      ].map((o) => [o.file, o]),
    );
    const s = scoreSet(set, outcomes, [...set.photos.keys()]);
    expect(s.recall).toBeCloseTo(2 / 3);
    expect(s.recallWithCandidates).toBe(1);
    expect(s.wrongPerObjectPhoto).toBe(0.5); // clock on the cat photo, none on the cup photo
    expect(s.wrongPerNegative).toBe(1); // clock + bird on coins, nothing on the sign
    expect(s.wrongCandidatesPerPhoto).toBe(0.25); // bird as a "maybe" on the cup photo
    expect(s.wordRecall).toBe(1); // notice, double, parking
    const held = scoreSet(set, outcomes, ['cup.jpg']);
    expect([held.photos, held.recall, held.wrongPerObjectPhoto]).toEqual([1, 0.5, 0]);
    expect(Number.isNaN(held.wrongPerNegative)).toBe(true);
  });

  it('compares words by letter and digit runs, case and accents ignored', () => {
    expect(wordTokens('Région-based, np.zeros_like(coins) 42.17')).toEqual(['region', 'based', 'np', 'zeros', 'like', 'coins', '42', '17']);
  });

  it.each([
    [{}, 'needs a "photos" object'],
    [{ photos: { 'a.jpg': { objects: ['unicorn'] } } }, '"unicorn" is not a detector label'],
    [{ photos: { 'a.jpg': { objects: ['cat'] } }, negatives: ['a.jpg'] }, 'is a negative but lists objects'],
    [{ photos: { 'a.jpg': {} } }, 'lists no object'],
    [{ photos: { 'a.jpg': { objects: ['cat'] } }, heldOut: ['b.jpg'] }, 'names b.jpg, which has no entry'],
    [{ photos: { 'a.jpg': { words: 'STOP' } }, negatives: ['a.jpg'] }, 'lists of strings'],
  ])('rejects a malformed expected.json: %j', (json, message) => {
    const r = parseEvalExpected(json, LABELS);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toContain(message);
  });
});
