import taxonomyData from './taxonomy.json';
import { textHash } from './text-hash.ts';
import { normalizeLabel } from './tokenize.ts';

/** Errors as values with a stable code, like the rest of ml/ (see ml/runtime/ml-error.ts). */
export type TaxonomyError = { readonly code: 'E_TAXONOMY_INVALID'; readonly message: string };
export type TaxonomyResult = { ok: true; taxonomy: Taxonomy } | { ok: false; error: TaxonomyError };

const invalid = (message: string): TaxonomyResult => ({ ok: false, error: { code: 'E_TAXONOMY_INVALID', message } });

/**
 * Broader terms for labels (cat -> animal, pet), followed transitively. Immutable:
 * `withTerms` returns a new taxonomy, so an index built with one never sees it change.
 */
export class Taxonomy {
  private constructor(private readonly broader: ReadonlyMap<string, readonly string[]>) {}

  /** Validates a `{ version: 1, broader: { term: [broader, ...] } }` document. Never throws. */
  static parse(input: unknown): TaxonomyResult {
    if (typeof input !== 'object' || input === null) return invalid('taxonomy must be an object');
    const { version, broader } = input as { version?: unknown; broader?: unknown };
    if (version !== 1) return invalid(`unsupported taxonomy version ${String(version)}`);
    return Taxonomy.build(new Map(), broader);
  }

  /**
   * Adds or extends terms, e.g. for an imported classifier's labels:
   * `{ "tabby cat": ["cat"] }`. Rejects entries that would make a cycle.
   */
  withTerms(entries: unknown): TaxonomyResult {
    return Taxonomy.build(new Map(this.broader), entries);
  }

  private static build(map: Map<string, readonly string[]>, entries: unknown): TaxonomyResult {
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) return invalid('broader terms must be an object');
    for (const [rawTerm, rawBroader] of Object.entries(entries)) {
      const term = normalizeLabel(rawTerm);
      if (term === '') return invalid(`empty term "${rawTerm}"`);
      if (!Array.isArray(rawBroader) || !rawBroader.every((b): b is string => typeof b === 'string')) {
        return invalid(`broader terms of "${term}" must be strings`);
      }
      const broader = rawBroader.map(normalizeLabel).filter((b) => b !== '');
      map.set(term, [...new Set([...(map.get(term) ?? []), ...broader])]);
    }
    const cycle = findCycle(map);
    if (cycle) return invalid(`cycle: ${cycle.join(' -> ')}`);
    return { ok: true, taxonomy: new Taxonomy(map) };
  }

  /** Changes whenever what the taxonomy says changes: a persisted index made with another is rebuilt. */
  fingerprint(): string {
    return textHash(JSON.stringify([...this.broader]));
  }

  has(term: string): boolean {
    return this.broader.has(normalizeLabel(term));
  }

  /** Every term the taxonomy knows, keys and broader terms alike (for suggestions). */
  terms(): string[] {
    const all = new Set<string>();
    for (const [term, broader] of this.broader) {
      all.add(term);
      for (const b of broader) all.add(b);
    }
    return [...all].sort();
  }

  /**
   * Broader terms of a label, nearest first, deduplicated, without the label itself.
   * A label the taxonomy does not know is resolved the way classifier label files
   * spell things: each comma-separated synonym ("tabby, tabby cat"), then the last
   * word of a multi-word label ("Egyptian cat" -> cat). Exact terms win, so "hot dog"
   * is a meal and never a dog.
   */
  broaderTerms(label: string): string[] {
    const normalized = normalizeLabel(label);
    const out = new Set<string>();
    for (const root of this.roots(normalized)) {
      if (root !== normalized) out.add(root);
      for (const term of this.closure(root)) out.add(term);
    }
    out.delete(normalized);
    return [...out];
  }

  private roots(label: string): string[] {
    if (this.broader.has(label)) return [label];
    const roots: string[] = [];
    for (const part of label.split(', ')) {
      if (this.broader.has(part)) roots.push(part);
      else {
        const head = part.slice(part.lastIndexOf(' ') + 1);
        if (head !== part && this.broader.has(head)) roots.push(head);
      }
    }
    return roots;
  }

  /** Breadth first, so the nearest broader terms come first. */
  private closure(term: string): string[] {
    const seen = new Set<string>();
    const queue = [...(this.broader.get(term) ?? [])];
    for (let i = 0; i < queue.length; i++) {
      const next = queue[i] as string;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(this.broader.get(next) ?? []));
    }
    return [...seen];
  }
}

function findCycle(map: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (term: string, path: string[]): string[] | undefined => {
    if (state.get(term) === 'done') return undefined;
    if (state.get(term) === 'open') return [...path.slice(path.indexOf(term)), term];
    state.set(term, 'open');
    for (const next of map.get(term) ?? []) {
      const cycle = visit(next, [...path, term]);
      if (cycle) return cycle;
    }
    state.set(term, 'done');
    return undefined;
  };
  for (const term of map.keys()) {
    const cycle = visit(term, []);
    if (cycle) return cycle;
  }
  return undefined;
}

const parsed = Taxonomy.parse(taxonomyData);
// The bundled file is ours; a broken one is a build error, caught by the unit tests.
if (!parsed.ok) throw new Error(`ml/search/taxonomy.json: ${parsed.error.message}`);

/** The bundled taxonomy (ml/search/taxonomy.json). */
export const defaultTaxonomy: Taxonomy = parsed.taxonomy;

/** Broader terms of `label` in the bundled taxonomy, or in `taxonomy` if given. */
export function broaderTerms(label: string, taxonomy: Taxonomy = defaultTaxonomy): string[] {
  return taxonomy.broaderTerms(label);
}
