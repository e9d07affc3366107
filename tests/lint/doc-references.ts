import { posix } from 'node:path';
import { docAnchors, titleMatches, type DocAnchors } from './doc-anchors.ts';
import { findDocReferences, type DocReference } from './doc-reference-scan.ts';
import { commentsOnly } from './source-comments.ts';

/** A reference that does not resolve, with where it is and why. */
export interface BrokenReference extends DocReference {
  readonly from: string;
  readonly problem: string;
}

export interface DocReferenceReport {
  readonly checked: number;
  readonly broken: readonly BrokenReference[];
}

const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/**
 * Checks every doc reference in `texts` (repository-relative path -> contents: Markdown docs
 * and source files, whose comments alone are read) against the files in `paths` and the
 * headings of the Markdown among them.
 *
 * Where a path points: `./<name>.md` and `../<name>.md` from the citing file's folder;
 * `<dir>/<name>.md` from the repository root (else the citing folder); a bare `<name>.md` in
 * the citing folder, else at the root, else the one file of that name anywhere (two or more:
 * give the path). The bare word ARCHITECTURE (before a §) is the root's architecture doc.
 */
export function checkDocReferences(texts: ReadonlyMap<string, string>, paths: ReadonlySet<string>): DocReferenceReport {
  const anchors = new Map<string, DocAnchors>();
  const anchorsOf = (path: string): DocAnchors | undefined => {
    const text = texts.get(path);
    if (text === undefined || !path.endsWith('.md')) return undefined;
    if (!anchors.has(path)) anchors.set(path, docAnchors(text));
    return anchors.get(path);
  };
  const broken: BrokenReference[] = [];
  let checked = 0;
  for (const [from, text] of texts) {
    const isMarkdown = from.endsWith('.md');
    if (!isMarkdown && !SOURCE.test(from)) continue;
    for (const ref of findDocReferences(isMarkdown ? text : commentsOnly(from, text), isMarkdown)) {
      // A bare §n is a doc's own section only in a doc that numbers its sections; elsewhere it
      // is some standard's ("RFC 8439 §2"), not ours to check.
      if (ref.target === '' && typeof ref.section === 'number' && anchorsOf(from)?.numbers.size === 0) continue;
      checked++;
      const problem = problemOf(ref, from, paths, anchorsOf);
      if (problem !== undefined) broken.push({ ...ref, from, problem });
    }
  }
  return { checked, broken };
}

function problemOf(
  ref: DocReference,
  from: string,
  paths: ReadonlySet<string>,
  anchorsOf: (path: string) => DocAnchors | undefined,
): string | undefined {
  const resolved = ref.target === '' ? { path: from } : resolveDoc(ref.target, from, paths);
  if ('problem' in resolved) return resolved.problem;
  if (ref.section === undefined) return undefined;
  const anchors = anchorsOf(resolved.path);
  if (anchors === undefined) return `${resolved.path} is not a Markdown doc this check reads`;
  if (typeof ref.section === 'number') {
    return anchors.numbers.has(ref.section) ? undefined : `${resolved.path} has no section numbered ${ref.section}`;
  }
  const title = ref.section;
  return anchors.titles.some((anchor) => titleMatches(anchor, title))
    ? undefined
    : `${resolved.path} has no heading or bold lead "${title}"`;
}

export function resolveDoc(target: string, from: string, paths: ReadonlySet<string>): { path: string } | { problem: string } {
  if (target === 'ARCHITECTURE.md' || target === 'ARCHITECTURE') {
    return paths.has('ARCHITECTURE.md') ? { path: 'ARCHITECTURE.md' } : { problem: 'there is no ARCHITECTURE.md at the root' };
  }
  const dir = posix.dirname(from);
  const local = posix.normalize(posix.join(dir, target));
  if (target.startsWith('./') || target.startsWith('../')) {
    return paths.has(local) ? { path: local } : { problem: `no file ${local}` };
  }
  const tried = target.includes('/') ? [posix.normalize(target), local] : [local, target];
  const direct = tried.find((p) => paths.has(p));
  if (direct !== undefined) return { path: direct };
  if (target.includes('/')) return { problem: `no file ${target} (from the root or from ${dir}/)` };
  const named = [...paths].filter((p) => posix.basename(p) === target);
  if (named.length === 1) return { path: named[0] as string };
  if (named.length === 0) return { problem: `no file named ${target}` };
  return { problem: `${named.length} files are named ${target} (${named.join(', ')}): give the path` };
}

export function formatReport(report: DocReferenceReport): string {
  if (report.broken.length === 0) return `doc references: all ${report.checked} resolve`;
  const lines = report.broken.map((b) => `  ${b.from}:${b.line}  ${b.text}\n      ${b.problem}`);
  return [`doc references: ${report.broken.length} of ${report.checked} do not resolve:`, ...lines].join('\n');
}
