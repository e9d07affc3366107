import ts from 'typescript';

/**
 * The comments of a source file and nothing else, at their own offsets: every other
 * character becomes a space (newlines stay), and so do the comment markers (`//`, `/*`,
 * `*\/` and the `*` that starts a JSDoc line). A reference that wraps across comment lines
 * then reads as one phrase, and line numbers stay those of the file.
 *
 * Note: comments are found through the parse tree, not a regex, so a `.md` inside a string,
 * a regex literal or JSX text is never taken for a reference to a doc (the export test
 * names a Markdown file the app writes, in a string). Every comment is leading trivia
 * of some token, so asking each token for its leading comments finds them all.
 */
export function commentsOnly(path: string, text: string): string {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, scriptKind(path));
  const ranges = new Map<number, number>();
  const add = (found: ts.CommentRange[] | undefined) => found?.forEach((r) => ranges.set(r.pos, r.end));
  const visit = (node: ts.Node): void => {
    add(ts.getLeadingCommentRanges(text, node.pos));
    add(ts.getTrailingCommentRanges(text, node.end));
    for (const child of node.getChildren(source)) visit(child);
  };
  visit(source);
  const out = text.replace(/[^\n]/g, ' ').split('');
  for (const [pos, end] of ranges) {
    const comment = text
      .slice(pos, end)
      .replace(/^\/[/*]\*?|\*\/$/g, (m) => ' '.repeat(m.length))
      .replace(/\n([ \t]*)\*(?!\/)/g, (_m, indent: string) => `\n${indent} `);
    for (let i = 0; i < comment.length; i++) out[pos + i] = comment[i] as string;
  }
  return out.join('');
}

function scriptKind(path: string): ts.ScriptKind {
  if (path.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (/\.[cm]?ts$/.test(path)) return ts.ScriptKind.TS;
  if (path.endsWith('.jsx')) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}
