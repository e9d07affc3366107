/** Pairwise figures of a grouping against who is in which photo (issue 17 §1). */
export interface PeopleScore {
  readonly pairPrecision: number;
  readonly pairRecall: number;
  readonly faces: number;
  readonly groups: number;
  readonly truePairs: number;
  readonly predictedPairs: number;
}

const pairKey = (a: string, b: string): string => (a < b ? `${a}\n${b}` : `${b}\n${a}`);

function pairsOf(fileSets: Iterable<Iterable<string>>): Set<string> {
  const out = new Set<string>();
  for (const set of fileSets) {
    const files = [...new Set(set)];
    for (let i = 0; i < files.length; i++) for (let j = i + 1; j < files.length; j++) out.add(pairKey(files[i]!, files[j]!));
  }
  return out;
}

/**
 * Two photos in one group make a predicted pair; two photos listed under one
 * person make a true pair. Only photos in `files` count. Precision is NaN when
 * nothing was grouped, recall when nobody is listed twice.
 *
 * @param groups each group's faces as the file each face came from
 */
export function scorePeople(
  people: ReadonlyMap<string, readonly string[]>,
  groups: readonly (readonly string[])[],
  files: ReadonlySet<string>,
): PeopleScore {
  const keep = (list: readonly string[]) => list.filter((f) => files.has(f));
  const truth = pairsOf([...people.values()].map(keep));
  const predicted = pairsOf(groups.map(keep));
  let hits = 0;
  for (const p of predicted) if (truth.has(p)) hits++;
  const kept = groups.map(keep).filter((g) => g.length > 0);
  return {
    pairPrecision: predicted.size === 0 ? Number.NaN : hits / predicted.size,
    pairRecall: truth.size === 0 ? Number.NaN : hits / truth.size,
    faces: kept.reduce((n, g) => n + g.length, 0),
    groups: kept.length,
    truePairs: truth.size,
    predictedPairs: predicted.size,
  };
}
