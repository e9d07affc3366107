import type * as Y from 'yjs';

/**
 * What the person says about the faces in their photos, in the vault doc: sealed under the
 * vault key and synced to their own devices only, never to a notebook's members. The groups
 * themselves are not stored: each device computes them from the face embeddings it holds
 * (src/app/face-store.ts) and applies these on top (ml/faces/people-groups.ts).
 *
 * Every entry is keyed by a face id, `<notebook id>/<note id>#<index in the note's faces>`,
 * which is the same on every device, so two devices that hold the same faces show the same
 * people with the same names.
 */
export interface PeopleCorrections {
  /** Face id -> the name of the person that face shows. */
  readonly names: ReadonlyMap<string, string>;
  /** Pairs of face ids the person said are one person (merged). */
  readonly merges: readonly (readonly [string, string])[];
  /** Faces moved out of the group they fell in: never linked to others by likeness. */
  readonly apart: ReadonlySet<string>;
  /** Faces whose person is hidden from the People screen and from search by name. */
  readonly hidden: ReadonlySet<string>;
}

export const MAX_PERSON_NAME_LENGTH = 80;
const FACE_ID = /^[A-Za-z0-9_-]{1,64}\/[A-Za-z0-9_-]{1,64}#\d{1,2}$/;

export const isFaceId = (v: unknown): v is string => typeof v === 'string' && FACE_ID.test(v);
export const faceIdOf = (notebookId: string, noteId: string, index: number): string => `${notebookId}/${noteId}#${index}`;

/** The note a face id points at. */
export function noteOfFace(faceId: string): { notebookId: string; noteId: string; index: number } {
  const slash = faceId.indexOf('/');
  const hash = faceId.lastIndexOf('#');
  return { notebookId: faceId.slice(0, slash), noteId: faceId.slice(slash + 1, hash), index: Number(faceId.slice(hash + 1)) };
}

const names = (doc: Y.Doc) => doc.getMap<unknown>('personNames');
const merges = (doc: Y.Doc) => doc.getMap<unknown>('faceMerges');
const apart = (doc: Y.Doc) => doc.getMap<unknown>('facesApart');
const hidden = (doc: Y.Doc) => doc.getMap<unknown>('personsHidden');

/** Trimmed, one line, at most MAX_PERSON_NAME_LENGTH characters; '' clears a name. */
export function cleanPersonName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().slice(0, MAX_PERSON_NAME_LENGTH);
}

/** Reads every correction; entries another device wrote in a shape we do not know are left out. */
export function readPeopleCorrections(doc: Y.Doc): PeopleCorrections {
  const nameMap = new Map<string, string>();
  names(doc).forEach((v, k) => {
    if (isFaceId(k) && typeof v === 'string' && v.length > 0 && v.length <= MAX_PERSON_NAME_LENGTH) nameMap.set(k, v);
  });
  const pairs: [string, string][] = [];
  merges(doc).forEach((v, k) => {
    const [a, b] = k.split(' ');
    if (v === true && isFaceId(a) && isFaceId(b)) pairs.push([a, b]);
  });
  const flagged = (map: Y.Map<unknown>) => new Set([...map.entries()].filter(([k, v]) => v === true && isFaceId(k)).map(([k]) => k));
  return { names: nameMap, merges: pairs.sort(), apart: flagged(apart(doc)), hidden: flagged(hidden(doc)) };
}

/**
 * Names the person whose faces are `faceIds` (their group, smallest id first): the name goes
 * on the first face and off the others, so the group carries one name.
 */
export function namePerson(doc: Y.Doc, faceIds: readonly string[], name: string): void {
  const clean = cleanPersonName(name);
  const [first, ...rest] = [...faceIds].sort();
  if (!first) return;
  doc.transact(() => {
    for (const id of rest) names(doc).delete(id);
    if (clean) names(doc).set(first, clean);
    else names(doc).delete(first);
  });
}

/**
 * Two people are one: links their first faces for good. The merged person keeps `into`'s name
 * (or `from`'s if `into` had none); the other name is dropped.
 */
export function mergePeople(doc: Y.Doc, into: readonly string[], from: readonly string[]): void {
  const a = [...into].sort()[0];
  const b = [...from].sort()[0];
  if (!a || !b || a === b) return;
  const current = readPeopleCorrections(doc);
  const nameOf = (ids: readonly string[]) => ids.map((id) => current.names.get(id)).find((n) => n !== undefined);
  const kept = nameOf(into) ?? nameOf(from);
  doc.transact(() => {
    merges(doc).set(a < b ? `${a} ${b}` : `${b} ${a}`, true);
    namePerson(doc, [...into, ...from], kept ?? '');
  });
}

/**
 * A face that is not this person: it leaves its group (its merges go, it links to no face by
 * likeness any more) and becomes a person of its own. The rest of the group (`rest`, the
 * person's other faces) stays one person: they may have been linked through this face, or
 * merged by it, so they are merged to each other here (the person looked at them and said
 * only this face is wrong). A name it carried moves to the rest.
 */
export function moveFaceOut(doc: Y.Doc, faceId: string, rest: readonly string[]): void {
  const current = readPeopleCorrections(doc);
  const stay = [...rest].filter((f) => f !== faceId).sort();
  doc.transact(() => {
    apart(doc).set(faceId, true);
    for (const [a, b] of current.merges) if (a === faceId || b === faceId) merges(doc).delete(`${a} ${b}`);
    for (const f of stay.slice(1)) merges(doc).set(`${stay[0]} ${f}`, true);
    const name = current.names.get(faceId);
    names(doc).delete(faceId);
    if (name !== undefined && stay[0] !== undefined && !stay.some((f) => current.names.has(f))) names(doc).set(stay[0], name);
    hidden(doc).delete(faceId);
  });
}

/** Hides (or shows again) the person whose faces are `faceIds`. */
export function setPersonHidden(doc: Y.Doc, faceIds: readonly string[], hide: boolean): void {
  doc.transact(() => {
    for (const id of faceIds) {
      if (hide) hidden(doc).set(id, true);
      else hidden(doc).delete(id);
    }
  });
}

/** The Y types whose changes may change who is who (for an observer). */
export function peopleMaps(doc: Y.Doc): readonly Y.Map<unknown>[] {
  return [names(doc), merges(doc), apart(doc), hidden(doc)];
}
