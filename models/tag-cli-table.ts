import type { TagResult } from './tag-cli-file.ts';

const fmt = (v: number): string => String(Math.round(v));

/**
 * The human-readable form of the tag results: one block per file with a
 * tag table (name, score, box), the "maybe" candidates, the faces (score, box)
 * and the text lines it read. Scores are the model's own, uncalibrated (ARCHITECTURE §5).
 */
export function formatTagTable(results: readonly TagResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    if (r.error !== undefined) {
      out.push(`${r.file}: ERROR ${r.error}`, '');
      continue;
    }
    out.push(`${r.file}  (${Math.round(r.ms)} ms)`);
    if (r.labels.length === 0) out.push('  labels: (no tag)');
    else {
      out.push(`  ${'label'.padEnd(16)}${'score'.padStart(6)}  box x1,y1,x2,y2`);
      for (const l of r.labels) out.push(`  ${l.label.padEnd(16)}${l.score.toFixed(2).padStart(6)}  ${l.box.map(fmt).join(',')}`);
    }
    if (r.candidates.length > 0) out.push(`  maybe: ${r.candidates.map((c) => `${c.label} ${c.score.toFixed(2)}`).join(', ')}`);
    out.push(r.faces.length === 0 ? '  faces: (none)' : `  faces: ${r.faces.map((f) => `${f.score.toFixed(2)} at ${f.box.map(fmt).join(',')}`).join('; ')}`);
    if (r.text.length === 0) out.push('  text: (none)');
    else {
      out.push('  text:');
      for (const t of r.text) out.push(`    ${t.confidence.toFixed(2)}  ${JSON.stringify(t.text)}`);
    }
    out.push('');
  }
  const failed = results.filter((r) => r.error !== undefined).length;
  out.push(`${results.length - failed} of ${results.length} files tagged${failed ? `, ${failed} failed` : ''}`);
  return `${out.join('\n')}\n`;
}
