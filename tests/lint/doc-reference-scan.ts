/**
 * One place a file points into the docs:
 *   `<path>.md "<section title>"` (a file and a section it names), `<path>.md` (a file),
 *   `ARCHITECTURE §<n>` or `<path>.md §<n>, §<m>` (numbered sections), and inside a Markdown
 *   doc `above, "<section title>"` / `below, ...` or a bare `§<n>` (that doc's own).
 * `target` is the path as written ('' for the citing doc itself); resolving it is
 * doc-references.ts's job.
 */
export interface DocReference {
  readonly line: number;
  /** What the reference says, whitespace collapsed, for the report. */
  readonly text: string;
  readonly target: string;
  /** A section title (in quotes in the source) or a section number (§n). */
  readonly section?: string | number;
}

const PATH = String.raw`(?:\.{1,2}\/)?(?:[\w-]+\/)*[\w.-]*[\w-]\.md`;
const NUMBERS = String.raw`§\s*\d+(?:\s*(?:,|and)\s*§\s*\d+)*`;
/** A title in quotes, up to 200 characters; a blank line ends any quote (checked below). */
const QUOTED = String.raw`"([^"]{1,200})"`;

const FILE_REF = new RegExp(
  String.raw`(?<![\w./-])(${PATH})(?![\w/-])` + String.raw`(?:\x60?(?:,?\s*\(?\s*${QUOTED}|\s*(${NUMBERS})))?`,
  'g',
);
const ARCHITECTURE_REF = new RegExp(String.raw`(?<![\w./-])ARCHITECTURE(?![\w.])\s*(${NUMBERS})`, 'g');
const SAME_DOC_REF = new RegExp(String.raw`\b(?:above|below),?\s*\(?\s*${QUOTED}`, 'g');
/** A bare § in a doc is the doc's own, unless it is the tracker's ("issue 12 §5"). */
const BARE_NUMBER = /(?<!issue\s+\d+\s*)§\s*(\d+)(?!\d|\.\d)/gi;

export function findDocReferences(text: string, isMarkdown: boolean): DocReference[] {
  const found: { index: number; end: number; ref: Omit<DocReference, 'line'> }[] = [];
  const push = (m: RegExpExecArray, target: string, section?: string | number, written = m[0]) =>
    found.push({ index: m.index, end: m.index + m[0].length, ref: { text: squash(written), target, section } });

  for (const m of text.matchAll(FILE_REF)) {
    const [, path = '', title, numbers] = m;
    if (title !== undefined && !isTitle(title)) push(m, path, undefined, path);
    else if (title !== undefined) push(m, path, squash(title));
    else if (numbers !== undefined) for (const n of sectionNumbers(numbers)) push(m, path, n, `${path} §${n}`);
    else push(m, path);
  }
  for (const m of text.matchAll(ARCHITECTURE_REF)) {
    for (const n of sectionNumbers(m[1] ?? '')) push(m, 'ARCHITECTURE.md', n, `ARCHITECTURE §${n}`);
  }
  if (isMarkdown) {
    for (const m of text.matchAll(SAME_DOC_REF)) if (isTitle(m[1] ?? '')) push(m, '', squash(m[1] ?? ''));
    const claimed = found.map((f) => [f.index, f.end] as const);
    for (const m of text.matchAll(BARE_NUMBER)) {
      if (claimed.some(([start, end]) => m.index >= start && m.index < end)) continue;
      push(m, '', Number(m[1]));
    }
  }
  return found
    .sort((a, b) => a.index - b.index)
    .map(({ index, ref }) => ({ ...ref, line: lineAt(text, index) }));
}

/** A quote that spans a blank line, or holds code, is prose that happens to follow a path. */
function isTitle(quoted: string): boolean {
  return !/\n[ \t]*\n/.test(quoted) && !quoted.includes('`') && squash(quoted) !== '';
}

function sectionNumbers(list: string): number[] {
  return [...list.matchAll(/§\s*(\d+)/g)].map((n) => Number(n[1]));
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
