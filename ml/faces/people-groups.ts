import { FaceGroups } from './face-groups.ts';

/**
 * What the person said about faces (kept sealed in the vault doc by sync/vault/people.ts),
 * as plain data: face ids are `<notebook id>/<note id>#<index>`.
 */
export interface PeopleCorrections {
  readonly names: ReadonlyMap<string, string>;
  readonly merges: readonly (readonly [string, string])[];
  readonly apart: ReadonlySet<string>;
  readonly hidden: ReadonlySet<string>;
}

/** `<notebook id>/<note id>` of a face id. */
const noteKeyOf = (faceId: string) => faceId.slice(0, faceId.lastIndexOf('#'));

/** One person as the People screen shows them: their faces (smallest id first) and the notes those are on. */
export interface Person {
  /** The smallest face id of the group: the same on every device that holds the same faces. */
  readonly id: string;
  readonly faceIds: readonly string[];
  readonly name?: string;
  readonly hidden: boolean;
  /** Distinct notes, as `<notebook id>/<note id>`, in face-id order. */
  readonly notes: readonly string[];
}

/**
 * People from this device's face embeddings and the person's corrections. The grouping is
 * kept between calls and fed only the faces that are new (ml/faces/face-groups.ts: order does
 * not matter, and a new face never splits a group), and built again only when a face was
 * moved out or a note's faces were scanned again, which are the changes links cannot take back.
 */
export function createPeopleGroups(threshold: number): (embeddings: ReadonlyMap<string, Float32Array>, corrections: PeopleCorrections) => Person[] {
  let groups = new FaceGroups(threshold);
  let added = new Map<string, Float32Array>();
  let apartKey = '';
  return (embeddings, corrections) => {
    const key = [...corrections.apart].sort().join(' ');
    const stale = key !== apartKey || [...added].some(([id, e]) => embeddings.get(id) !== e);
    if (stale) {
      groups = new FaceGroups(threshold);
      added = new Map();
      apartKey = key;
    }
    for (const [id, e] of embeddings) {
      if (added.has(id)) continue;
      groups.add({ id, embedding: e }, corrections.apart.has(id));
      added.set(id, e);
    }
    for (const [a, b] of corrections.merges) if (added.has(a) && added.has(b)) groups.merge(a, b);
    const people: Person[] = [];
    for (const [id, faceIds] of groups.groups()) {
      const name = faceIds.map((f) => corrections.names.get(f)).find((n) => n !== undefined);
      const notes = [...new Set(faceIds.map(noteKeyOf))];
      people.push({ id, faceIds, ...(name !== undefined ? { name } : {}), hidden: faceIds.some((f) => corrections.hidden.has(f)), notes });
    }
    // Named people first (by name), then by how many photos they are in.
    return people.sort((a, b) => Number(b.name !== undefined) - Number(a.name !== undefined) || (a.name ?? '').localeCompare(b.name ?? '') || b.notes.length - a.notes.length || (a.id < b.id ? -1 : 1));
  };
}

/** The people whose name contains every word of `text` (case and accents aside); hidden people are not found. */
export function peopleNamed(people: readonly Person[], text: string): Person[] {
  const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const words = fold(text).split(/\s+/).filter((w) => w.length > 0);
  if (words.length === 0) return [];
  return people.filter((p) => !p.hidden && p.name !== undefined && words.every((w) => fold(p.name!).split(/\s+/).some((part) => part.startsWith(w))));
}
