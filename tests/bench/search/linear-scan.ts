import type { NoteRecord } from '../../../ml/search/note-record.ts';
import { parseSearchQuery } from '../../../ml/search/parse-search-query.ts';

/**
 * The baseline: what a first version without an index would do. One lower-cased string
 * per note, and every query walks all of them with `includes`. It understands the same
 * chips, but has no ranking, no fuzzy matching and no taxonomy (label:animal finds
 * nothing), so it does less work per note than the index does per hit.
 */
export class LinearScan {
  private readonly haystacks: string[];
  private readonly labels: string[][];

  constructor(private readonly notes: readonly NoteRecord[]) {
    this.haystacks = notes.map((n) => `${n.title}\n${n.body}\n${n.labels.map((l) => l.label).join('\n')}\n${n.ocrText}`.toLowerCase());
    this.labels = notes.map((n) => n.labels.map((l) => l.label.toLowerCase()));
  }

  search(text: string, limit = 50): string[] {
    const q = parseSearchQuery(text);
    const found: string[] = [];
    for (let i = 0; i < this.notes.length; i++) {
      const note = this.notes[i] as NoteRecord;
      if (q.notebooks.length > 0 && !q.notebooks.includes(note.notebookId)) continue;
      if (q.after !== undefined && note.createdAt < q.after) continue;
      if (q.before !== undefined && note.createdAt >= q.before) continue;
      const labels = this.labels[i] as string[];
      if (!q.labels.every((l) => labels.includes(l))) continue;
      const haystack = this.haystacks[i] as string;
      if (q.words.every((w) => haystack.includes(w))) found.push(note.id);
    }
    // Unranked: it keeps whichever came first, the way such a scan would.
    return found.slice(0, limit);
  }
}
