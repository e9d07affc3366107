import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type ICruiseResult, type IRuleSetType } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

const config = createRequire(import.meta.url)('../../lint/dependency-cruiser.cjs') as { forbidden: IRuleSetType['forbidden'] };
const folderRule = config.forbidden?.find((rule) => rule.name === 'no-folder-cycles');

const root = mkdtempSync(join(tmpdir(), 'folder-cycles-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes `files` (path -> imported paths) under a fresh folder and cruises it with the rule. */
async function violations(name: string, files: Record<string, readonly string[]>): Promise<string[]> {
  const base = join(root, name);
  for (const [path, imports] of Object.entries(files)) {
    mkdirSync(dirname(join(base, path)), { recursive: true });
    const lines = imports.map((to, i) => `import { v as v${i} } from '${to}';`);
    writeFileSync(join(base, path), `${lines.join('\n')}\nexport const v = ${imports.map((_, i) => `v${i}`).join(' + ') || '1'};\n`);
  }
  if (!folderRule) throw new Error('no rule no-folder-cycles in tests/lint/dependency-cruiser.cjs');
  const result = await cruise(['ml', 'sync', 'models'].filter((top) => Object.keys(files).some((path) => path.startsWith(`${top}/`))), {
    baseDir: base,
    ruleSet: { forbidden: [folderRule] },
    validate: true,
  });
  const output = result.output as ICruiseResult;
  return output.summary.violations.map((v) => `${v.from} -> ${v.to}`);
}

describe('dependency-cruiser: no folder cycles (tests/lint/dependency-cruiser.cjs, a stage of npm test)', () => {
  it('refuses two folders that import each other, though no file imports itself back', async () => {
    const found = await violations('pair', {
      'ml/cli/tag.ts': ['../detect/detect.ts'],
      'ml/detect/detect.ts': ['../../models/manifest.ts'],
      'models/manifest.ts': [],
      'models/eval.ts': ['../ml/cli/tag.ts'],
    });
    expect(found.length).toBeGreaterThan(0);
    expect(found.join(' ')).toMatch(/models/);
  });

  it('accepts the same folders when the imports go one way', async () => {
    const found = await violations('one-way', {
      'ml/cli/tag.ts': ['../detect/detect.ts', '../runtime/manifest.ts'],
      'ml/detect/detect.ts': ['../runtime/manifest.ts'],
      'ml/runtime/manifest.ts': [],
      'models/eval.ts': ['../ml/cli/tag.ts'],
    });
    expect(found).toEqual([]);
  });

  it('refuses the cycle of sync/vault with sync/share too (no exception left), and accepts both reading sync/vault-doc', async () => {
    const found = await violations('vault-share', { 'sync/vault/vault.ts': ['../share/invite.ts'], 'sync/share/invite.ts': ['../vault/keys.ts'], 'sync/vault/keys.ts': [] });
    expect(found.join(' ')).toMatch(/sync\/share/);
    const below = await violations('vault-doc', {
      'sync/vault/vault.ts': ['../share/invite.ts', '../vault-doc/keys.ts'],
      'sync/share/invite.ts': ['../vault-doc/keys.ts'],
      'sync/vault-doc/keys.ts': [],
    });
    expect(below).toEqual([]);
  });
});
