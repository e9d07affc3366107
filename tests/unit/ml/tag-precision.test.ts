import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTagCli } from '../../../ml/cli/tag-cli.ts';

const EVAL = 'tests/fixtures/eval';
const MODELS = join(process.cwd(), 'models');

/** Only photos of the tuned part of the eval set (never its heldOut ones): this pins the policy, it does not judge it. */
const CASES = {
  'skimage-coins.jpg': { objects: [], wrongToday: ['clock', 'dining table'] },
  'sklearn-china.jpg': { objects: [], wrongToday: ['bird', 'boat'] },
  'opencv-smarties.jpg': { objects: [], wrongToday: ['orange', 'sports ball'] },
  'opencv-scenetext04.jpg': { objects: [], wrongToday: ['bird', 'cat'] },
  'mate-LadyBird.jpg': { objects: [], wrongToday: ['bird'] },
  'opencv-basketball1.jpg': { objects: ['person'], wrongToday: ['remote'] },
  'lomiri-Kleiber_by_Lukas_Baubkus.jpg': { objects: ['bird'], wrongToday: [] },
  'skimage-coffee.jpg': { objects: ['cup'], wrongToday: [] },
} as const;

type Row = { file: string; labels: { label: string }[]; candidates?: { label: string; score: number }[] };

describe('tags a person can trust (issue 16 §1)', () => {
  const rows = new Map<string, Row>();

  beforeAll(async () => {
    let stdout = '';
    const files = Object.keys(CASES).map((f) => join(EVAL, f));
    const status = await runTagCli(['--json', ...files], MODELS, { stdout: (t) => (stdout += t), stderr: () => undefined });
    expect(status).toBe(0);
    for (const r of JSON.parse(stdout) as Row[]) rows.set(r.file.slice(EVAL.length + 1), r);
  }, 180_000);

  it.each(Object.entries(CASES))('%s: the true objects are tags, and the labels the model got wrong are not', (file, c) => {
    const tags = new Set(rows.get(file)!.labels.map((l) => l.label));
    for (const o of c.objects) expect(tags).toContain(o);
    for (const w of c.wrongToday) expect(tags).not.toContain(w);
  });

  it('keeps a doubtful label as a "maybe" candidate rather than losing it', () => {
    const coins = rows.get('skimage-coins.jpg')!;
    expect(coins.candidates?.map((c) => c.label)).toContain('clock');
    const ladybird = rows.get('mate-LadyBird.jpg')!;
    expect(ladybird.candidates?.map((c) => c.label)).toContain('bird');
    for (const r of rows.values()) {
      const tags = new Set(r.labels.map((l) => l.label));
      for (const c of r.candidates ?? []) expect(tags.has(c.label)).toBe(false);
    }
  });
});
