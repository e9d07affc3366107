/**
 * What a reference may name inside a Markdown doc: a heading, or the bold phrase that leads a
 * paragraph, a list item or a table row (the protocol doc names sub-parts that way, "**Key
 * epochs**", and the threat model's parties are bold table rows); and, in a doc with
 * numbered headings (the architecture doc), the numbers: "## 4. Where bytes leave" is §4.
 */
export interface DocAnchors {
  readonly titles: readonly string[];
  readonly numbers: ReadonlySet<number>;
}

const HEADING = /^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/;
const BOLD_LEAD = /^[ \t]*(?:[-*+][ \t]+|\d+\.[ \t]+|\|[ \t]*)?\*\*(.+?)\*\*/;
const NUMBERED = /^(?:§[ \t]*)?(\d+)\.?[ \t]/;
const FENCE = /^[ \t]*(```|~~~)/;

export function docAnchors(markdown: string): DocAnchors {
  const titles: string[] = [];
  const numbers = new Set<number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (FENCE.test(line)) fenced = !fenced;
    if (fenced) continue;
    const heading = HEADING.exec(line)?.[1];
    if (heading !== undefined) {
      const numbered = NUMBERED.exec(heading);
      if (numbered) numbers.add(Number(numbered[1]));
      titles.push(heading.replace(NUMBERED, ''));
      continue;
    }
    const lead = BOLD_LEAD.exec(line)?.[1];
    if (lead !== undefined) titles.push(lead);
  }
  return { titles, numbers };
}

/** Case, emphasis marks, code ticks, spacing and a closing `.`/`:` do not count. */
function normal(text: string): string {
  return text
    .replace(/[`*]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.:]+$/, '')
    .toLowerCase();
}

/**
 * Whether `cited` names this anchor: the whole of it, or the part before a qualifier
 * ("Device link" names "Device link (same person)", "Hostile relay" names "Hostile relay:
 * what a device can and cannot tell"), never a mere prefix ("Device" names neither).
 */
export function titleMatches(anchor: string, cited: string): boolean {
  const a = normal(anchor);
  const c = normal(cited);
  if (c === '' || !a.startsWith(c)) return false;
  return a.length === c.length || /^(?: ?\(| ?:| [—–-] |\.|,)/.test(a.slice(c.length));
}
