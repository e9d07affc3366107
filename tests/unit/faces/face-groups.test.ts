import { describe, expect, it } from 'vitest';
import { FaceGroups, type GroupedFace } from '../../../ml/faces/face-groups.ts';

/** Unit vectors at given angles in the plane (cosine of the angle between two = their similarity). */
function face(id: string, degrees: number): GroupedFace {
  const r = (degrees * Math.PI) / 180;
  return { id, embedding: Float32Array.from([Math.cos(r), Math.sin(r), 0]) };
}

// cos 30 deg = 0.866: with threshold 0.8, faces 30 deg apart link, 40 deg apart (0.766) do not.
const FACES = [face('a1', 0), face('a2', 30), face('a3', 60), face('b1', 180), face('b2', 200), face('c1', 110)];

function groupsOf(order: readonly GroupedFace[]) {
  const g = new FaceGroups(0.8);
  for (const f of order) g.add(f);
  return g.groups();
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

describe('FaceGroups', () => {
  it('links faces at or above the threshold, chains them, keeps the rest apart', () => {
    expect([...groupsOf(FACES).values()]).toEqual([['a1', 'a2', 'a3'], ['b1', 'b2'], ['c1']]);
  });

  it('gives the same groups and group ids whatever order the faces arrive in (all 720 orders)', () => {
    const want = groupsOf(FACES);
    for (const order of permutations(FACES)) expect(groupsOf(order)).toEqual(want);
  });

  it('never undoes a merge: no incoming face splits a group the user or the threshold made', () => {
    const g = new FaceGroups(0.8);
    g.add(face('a1', 0));
    g.add(face('b1', 180));
    g.merge('a1', 'b1');
    const merged = g.groupOf('a1');
    expect(g.groupOf('b1')).toBe(merged);
    // Faces near each side, between them, and one far from both.
    for (const f of [face('x1', 10), face('x2', 170), face('x3', 90), face('x4', 270)]) {
      g.add(f);
      expect(g.groupOf('a1')).toBe(g.groupOf('b1'));
    }
    expect(g.groupOf('x1')).toBe(g.groupOf('a1'));
    expect(g.groupOf('x3')).not.toBe(g.groupOf('a1'));
  });

  it('a face added twice is added once', () => {
    const g = new FaceGroups(0.8);
    g.add(face('a1', 0));
    g.add(face('a1', 0));
    expect(g.size).toBe(1);
  });

  it('refuses a threshold outside (-1, 1] and a merge of unknown faces', () => {
    expect(() => new FaceGroups(1.5)).toThrow(RangeError);
    expect(() => new FaceGroups(0.8).merge('a', 'b')).toThrow('unknown face');
  });
});
