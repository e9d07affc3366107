import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CRYPTO_ERROR_CODES } from '../../../crypto/index.ts';
import { ML_ERROR_CODES } from '../../../ml/runtime/ml-error.ts';
import { APP_ERROR_CODES, ERROR_CODES, isErrorCode } from '../../../src/app/error-code.ts';
import { ERROR_MESSAGES, RAISED_MESSAGE_FIRST, errorCode, messageFor } from '../../../src/app/messages.ts';
import { SYNC_ERROR_CODES } from '../../../sync/error-codes.ts';
import { ROOT, coveringTest, tableRows, testFiles } from './error-code-tables.ts';

/**
 * One registry of error codes (issue 14 §2): each layer lists its own codes (crypto knows
 * only crypto's), src/app/error-code.ts joins them, and src/app/messages.ts holds what a
 * person reads for each. This checks the registry against the source, the error tables
 * and the tests, so a code added in one place and not the others fails here.
 */
const LAYERS = [
  { name: 'crypto', dirs: ['crypto'], table: 'crypto/ERRORS.md', own: CRYPTO_ERROR_CODES, below: [] as readonly string[] },
  { name: 'sync', dirs: ['sync'], table: 'sync/ERRORS.md', own: SYNC_ERROR_CODES, below: CRYPTO_ERROR_CODES },
  { name: 'ml', dirs: ['ml'], table: 'ml/ERRORS.md', own: ML_ERROR_CODES, below: [] as readonly string[] },
  { name: 'app', dirs: ['src'], table: 'src/app/ERRORS.md', own: APP_ERROR_CODES, below: ERROR_CODES },
] as const;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.parentPath.includes('node_modules'))
    .map((e) => join(e.parentPath, e.name));
}

/** Every quoted 'E_…' literal in a layer's source, with the first file that names it. */
function literals(dirs: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of dirs.flatMap(sourceFiles).sort()) {
    for (const m of readFileSync(file, 'utf8').matchAll(/'(E_[A-Z0-9_]+)'/g)) {
      if (!found.has(m[1] as string)) found.set(m[1] as string, relative(ROOT, file));
    }
  }
  return found;
}

describe('the error code registry', () => {
  it('each layer owns its codes: the lists do not overlap and ERROR_CODES is exactly their union', () => {
    const all = LAYERS.flatMap((l) => [...l.own]);
    expect(all.length).toBeGreaterThan(90);
    expect(new Set(all).size, 'a code is listed by two layers').toBe(all.length);
    expect([...ERROR_CODES].sort()).toEqual([...all].sort());
    expect(ERROR_CODES.every(isErrorCode)).toBe(true);
    expect(isErrorCode('E_NOT_A_CODE')).toBe(false);
  });

  it.each(LAYERS.map((l) => [l.name, l] as const))('%s source names only its own codes and those of the layers below it', (_, layer) => {
    const allowed = new Set<string>([...layer.own, ...layer.below]);
    const strays = [...literals(layer.dirs)].filter(([code]) => !allowed.has(code)).map(([code, file]) => `${code} (${file})`);
    expect(strays, `list each in ${layer.name}'s codes (crypto/result.ts, sync/error-codes.ts, ml/runtime/ml-error.ts, src/app/error-code.ts)`).toEqual([]);
  });

  it.each(LAYERS.map((l) => [l.name, l] as const))('%s ERRORS.md has a row for each of its codes and none for a code the registry lacks', (_, layer) => {
    const rows = tableRows().filter((r) => r.table === layer.table);
    const listed = new Set(rows.flatMap((r) => r.codes));
    expect(layer.own.filter((code) => !listed.has(code)), `add a row to ${layer.table}`).toEqual([]);
    const known = new Set<string>([...layer.own, ...layer.below]);
    expect([...listed].filter((code) => !known.has(code)), `${layer.table} names codes the registry does not hold`).toEqual([]);
  });

  it('every code has a message of its own that a person can read', () => {
    for (const code of ERROR_CODES) {
      const text = ERROR_MESSAGES[code];
      expect(text, code).toMatch(/^[A-Z].{15,}[.)]$/s);
      expect(text, code).not.toContain('E_');
      expect(messageFor(code)).toBe(text);
    }
    expect(Object.keys(ERROR_MESSAGES).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('every code is produced by a test named after it (or cited by its row)', () => {
    const rows = tableRows();
    const files = testFiles();
    expect(ERROR_CODES.filter((code) => coveringTest(code, rows, files) === undefined)).toEqual([]);
  });

  it('the raiser’s own message comes first only for the codes that say so; the registry’s otherwise', () => {
    expect(messageFor('E_DEVICE_LINK_CLOCK_SKEW', 'The clocks differ by 5 minutes.')).toBe('The clocks differ by 5 minutes.');
    expect(RAISED_MESSAGE_FIRST.has('E_DEVICE_LINK_CLOCK_SKEW')).toBe(true);
    expect(messageFor('E_PASSPHRASE', 'wrong KEK')).toBe(ERROR_MESSAGES.E_PASSPHRASE);
    expect(RAISED_MESSAGE_FIRST.has('E_PASSPHRASE')).toBe(false);
  });

  it('E_UNEXPECTED: a thrown thing without a registered code is coded E_UNEXPECTED', () => {
    expect(errorCode(new Error('boom'))).toBe('E_UNEXPECTED');
    expect(errorCode(Object.assign(new Error('no such file'), { code: 'ENOENT' }))).toBe('E_UNEXPECTED');
    expect(errorCode('a string')).toBe('E_UNEXPECTED');
    expect(errorCode(Object.assign(new Error('full'), { code: 'E_STORAGE_FULL' }))).toBe('E_STORAGE_FULL');
    expect(messageFor(errorCode(new Error('boom')), 'The file could not be read.')).toBe('The file could not be read.');
  });
});
