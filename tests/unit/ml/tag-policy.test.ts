import { describe, expect, it } from 'vitest';
import type { Box, Detection } from '../../../ml/detect/detection.ts';
import { splitTags, TAG_POLICY, type TagPolicy } from '../../../ml/detect/tag-policy.ts';

const det = (label: string, score: number, box: Box): Detection => ({ label, classIndex: 0, score, box, modelId: 'm', modelVersion: '1' });
const SIZE = { width: 1000, height: 1000 };
const POLICY: TagPolicy = {
  tagScore: 0.2,
  classTagScore: { clock: 0.5 },
  minTagArea: 0.03,
  candidateScore: 0.1,
  minCandidateArea: 0.005,
  digitsConfirm: ['clock'],
};

describe('splitTags', () => {
  it('tags what passes its class bar and size, keeps the best doubtful box per class as a candidate', () => {
    const { tags, candidates } = splitTags(
      [
        det('cat', 0.6, [0, 0, 500, 500]),
        det('cat', 0.25, [600, 600, 800, 800]),
        det('clock', 0.4, [0, 0, 300, 300]), // under the clock bar
        det('dog', 0.3, [0, 0, 100, 100]), // 1% of the photo: too small for a tag
        det('dog', 0.15, [0, 0, 200, 200]),
        det('cat', 0.15, [0, 0, 200, 200]), // its class is a tag already
        det('bird', 0.5, [0, 0, 50, 50]), // 0.25%: not even a candidate
        det('cup', 0.05, [0, 0, 500, 500]), // under the candidate floor
      ],
      SIZE,
      POLICY,
    );
    expect(tags.map((t) => [t.label, t.score])).toEqual([['cat', 0.6], ['cat', 0.25]]);
    expect(candidates.map((c) => [c.label, c.score])).toEqual([['clock', 0.4], ['dog', 0.3]]);
  });

  it('lowers a clock\'s bar when the text read inside its box has a digit', () => {
    const clock = det('clock', 0.4, [100, 100, 400, 400]);
    const line = (text: string, x: number) => ({ text, box: [[x, 200], [x + 50, 200], [x + 50, 230], [x, 230]] as [number, number][] });
    expect(splitTags([clock], SIZE, POLICY, [line('12', 200)]).tags).toHaveLength(1);
    expect(splitTags([clock], SIZE, POLICY, [line('XII', 200)]).tags).toHaveLength(0);
    expect(splitTags([clock], SIZE, POLICY, [line('12', 700)]).tags).toHaveLength(0); // digits elsewhere
  });

  it('ships a policy whose candidate bar is under every tag bar', () => {
    const bars = [TAG_POLICY.tagScore, ...Object.values(TAG_POLICY.classTagScore)];
    expect(Math.min(...bars)).toBeGreaterThan(TAG_POLICY.candidateScore);
    expect(TAG_POLICY.minTagArea).toBeGreaterThan(TAG_POLICY.minCandidateArea);
  });
});
