import { describe, expect, it } from 'vitest';
import { coveringTest, sourceCodes, tableRows, testFiles } from './error-code-tables.ts';

/**
 * One code per failure, every code in a table and every code tested (RULES; crypto/, sync/ and ml/ERRORS.md):
 * a code typed into crypto/, sync/ or ml/ without a row, or without a test, fails here.
 */
describe('error codes', () => {
  const codes = sourceCodes();
  const rows = tableRows();
  const files = testFiles();

  it('the scan finds the codes and the tables (so this check cannot pass on nothing)', () => {
    expect(codes.size).toBeGreaterThan(50);
    expect(rows.length).toBeGreaterThan(50);
    expect(codes.get('E_DECRYPT')).toMatch(/^crypto\//);
  });

  it('every code in the source has a row in crypto/, sync/ or ml/ERRORS.md', () => {
    const listed = new Set(rows.flatMap((r) => r.codes));
    const missing = [...codes].filter(([code]) => !listed.has(code)).map(([code, file]) => `${code} (${file})`);
    expect(missing, 'add a row for each to the ERRORS.md of its subsystem').toEqual([]);
  });

  it('every row names a code the source can still produce', () => {
    const stale = rows.flatMap((r) => r.codes.filter((code) => !codes.has(code)).map((code) => `${code} in ${r.table}`));
    expect(stale).toEqual([]);
  });

  it('every code is covered by a test named after it (or cited by its row)', () => {
    const uncovered = [...codes.keys()].filter((code) => coveringTest(code, rows, files) === undefined);
    expect(uncovered, 'name a test after each code ("E_X: …") or cite a test that asserts it in its row').toEqual([]);
  });

  it('every test a row cites exists by name', () => {
    const titles = files.flatMap((f) => f.titles);
    const missing = rows.flatMap((r) => r.citedTests.filter((name) => !titles.some((t) => t.includes(name))).map((name) => `${r.table}: "${name}"`));
    expect(missing).toEqual([]);
  });
});
