import type { SearchHit } from '../../ml/search/note-record.ts';
import { noteOfFace } from '../../sync/vault/people.ts';
import { peopleNamed, type Person } from '../../ml/faces/people-groups.ts';

/**
 * The search source for people's names, beside the index (ml/search): names live in the vault
 * doc, not in any notebook, so they are matched here and the notes they find go on top. Each
 * hit says which face matched, so "why it matched" draws its box.
 */
export function personHits(people: readonly Person[], text: string, inScope: (notebookId: string) => boolean): SearchHit[] {
  const hits = new Map<string, SearchHit>();
  for (const person of peopleNamed(people, text)) {
    for (const faceId of person.faceIds) {
      const { notebookId, noteId, index } = noteOfFace(faceId);
      if (!inScope(notebookId) || hits.has(noteId)) continue;
      hits.set(noteId, { id: noteId, score: Number.MAX_SAFE_INTEGER, matches: [{ field: 'person', term: person.name!, query: text.trim(), label: person.name!, face: index }] });
    }
  }
  return [...hits.values()];
}

/** Person hits first; a note the index found too keeps its place there and gains the person's reason. */
export function withPersonHits(found: readonly SearchHit[] | undefined, persons: readonly SearchHit[]): SearchHit[] | undefined {
  if (persons.length === 0) return found ? [...found] : undefined;
  const byId = new Map((found ?? []).map((h) => [h.id, h]));
  const merged = persons.map((p) => {
    const also = byId.get(p.id);
    return also ? { ...p, matches: [...p.matches, ...also.matches] } : p;
  });
  const ids = new Set(persons.map((p) => p.id));
  return [...merged, ...(found ?? []).filter((h) => !ids.has(h.id))];
}
