import { readFileSync, writeFileSync } from 'node:fs';
import { parseLabels } from '../../ml/detect/detection.ts';
import { broaderTerms } from '../../ml/search/taxonomy.ts';
import { buildExpansionTable, readCuration } from './build-expansion-table.ts';
import { readWordNet } from './wordnet.ts';

export const TABLE_URL = new URL('../../ml/search/expansion.json', import.meta.url);

/** The table as it is written to ml/search/expansion.json: one entry per line, so diffs read. */
export function expansionTableText(): string {
  const labels = parseLabels(readFileSync(new URL('../labels/coco80.txt', import.meta.url), 'utf8'));
  const table = buildExpansionTable(readWordNet(), labels, readCuration(new URL('./curation.json', import.meta.url)), (l) => broaderTerms(l));
  const lines = (map: Readonly<Record<string, readonly string[]>>) =>
    Object.entries(map)
      .map(([word, ls]) => `    ${JSON.stringify(word)}: ${JSON.stringify(ls)}`)
      .join(',\n');
  return `{\n  "version": 1,\n  "source": ${JSON.stringify(table.source)},\n  "synonyms": {\n${lines(table.synonyms)}\n  },\n  "broader": {\n${lines(table.broader)}\n  }\n}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = expansionTableText();
  writeFileSync(TABLE_URL, text);
  console.log(`ml/search/expansion.json: ${text.length} bytes`);
}
