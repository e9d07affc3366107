import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Reads the three things the error-code check compares: the codes the source can produce
 * (every `'E_…'` literal in crypto/, sync/, ml/, src/), the rows of the crypto/, sync/, ml/ and src/app/ERRORS.md tables, and
 * the titles of every test. Plain text scanning on purpose: it must see a code the moment
 * someone types it, before any test imports the file.
 */
export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const SOURCE_DIRS = ['crypto', 'sync', 'ml', 'src'];
export const TABLES = ['crypto/ERRORS.md', 'sync/ERRORS.md', 'ml/ERRORS.md', 'src/app/ERRORS.md'];

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/** code -> the first source file (relative) that names it. */
export function sourceCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const dir of SOURCE_DIRS) {
    for (const file of walk(join(ROOT, dir)).filter((f) => f.endsWith('.ts')).sort()) {
      for (const match of readFileSync(file, 'utf8').matchAll(/'(E_[A-Z0-9_]+)'/g)) {
        const code = match[1] as string;
        if (!codes.has(code)) codes.set(code, relative(ROOT, file));
      }
    }
  }
  return codes;
}

export interface TableRow {
  readonly table: string;
  readonly codes: readonly string[];
  /** Test titles the row's last cell quotes (strings with a space, up to any "…"). */
  readonly citedTests: readonly string[];
}

/** Every table row whose first cell names one or more codes. */
export function tableRows(): TableRow[] {
  const rows: TableRow[] = [];
  for (const table of TABLES) {
    for (const line of readFileSync(join(ROOT, table), 'utf8').split('\n')) {
      if (!line.startsWith('|')) continue;
      const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
      const codes = [...(cells[0] ?? '').matchAll(/`(E_[A-Z0-9_]+)`/g)].map((m) => m[1] as string);
      if (codes.length === 0) continue;
      const last = cells.length > 2 ? (cells.at(-1) ?? '') : '';
      const citedTests = [...last.matchAll(/"([^"]+)"|`([^`]+)`/g)]
        .map((m) => (m[1] ?? m[2] ?? '').split('…')[0]?.trim() ?? '')
        .filter((name) => name.includes(' '));
      rows.push({ table, codes, citedTests });
    }
  }
  return rows;
}

export interface TestFile {
  readonly file: string;
  readonly text: string;
  /** Static titles of it()/test() calls, including it.each(...)('title') templates. */
  readonly titles: readonly string[];
}

const TITLE = /\b(?:it|test)(?:\.(?:only|skip|concurrent|sequential|fails))*\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
const EACH_TITLE = /\b(?:it|test)\.each\b[\s\S]*?\)\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;

export function testFiles(): TestFile[] {
  return walk(join(ROOT, 'tests'))
    .filter((f) => f.endsWith('.test.ts'))
    .map((path) => {
      const text = readFileSync(path, 'utf8');
      const titles = [...text.matchAll(TITLE), ...text.matchAll(EACH_TITLE)].map((m) => (m[2] as string).replace(/\\(.)/g, '$1'));
      return { file: relative(ROOT, path), text, titles };
    });
}

const word = (code: string) => new RegExp(`(^|[^A-Z0-9_])${code}([^A-Z0-9_]|$)`);

/**
 * How a code is covered, or undefined: a test titled after it; a test cited by its row
 * in a file that asserts the code; or an it.each table whose title starts with the
 * code column (`'%s: …'`) in a file that lists the code.
 */
export function coveringTest(code: string, rows: readonly TableRow[], files: readonly TestFile[]): string | undefined {
  for (const f of files) {
    const title = f.titles.find((t) => word(code).test(t));
    if (title) return `${f.file}: ${title}`;
  }
  const literal = `'${code}'`;
  for (const row of rows.filter((r) => r.codes.includes(code))) {
    for (const cited of row.citedTests) {
      const f = files.find((file) => file.text.includes(literal) && file.titles.some((t) => t.includes(cited)));
      if (f) return `${f.file}: ${cited}`;
    }
  }
  const each = files.find((f) => f.text.includes(literal) && f.titles.some((t) => t.startsWith('%s')) && /\.each\(/.test(f.text));
  return each ? `${each.file}: it.each row ${code}` : undefined;
}
