import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { linksInFile, scanProfile } from '../../e2e/harness/profile-scan.ts';

/** The profile e2e test reports zero hits; this shows the search would report planted ones. */
describe('profile scan (tests/e2e/harness/profile-scan.ts)', () => {
  const dirs: string[] = [];
  const profile = () => {
    const dir = mkdtempSync(join(tmpdir(), 'profile-scan-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('finds a marker as UTF-8 or UTF-16LE in any file, however deep, and names file and encoding', () => {
    const dir = profile();
    mkdirSync(join(dir, 'Default', 'Sessions'), { recursive: true });
    writeFileSync(join(dir, 'Default', 'Web Data'), Buffer.concat([Buffer.alloc(100, 1), Buffer.from('title Xy7 Qz'), Buffer.alloc(9)]));
    writeFileSync(join(dir, 'Default', 'Sessions', 'Session_1'), Buffer.concat([Buffer.alloc(3), Buffer.from('body Ab9 Cd', 'utf16le')]));
    writeFileSync(join(dir, 'Local State'), '{"nothing":"here"}');
    const scan = scanProfile(dir, new Map([['TITLE', 'title Xy7 Qz'], ['BODY', 'body Ab9 Cd'], ['ABSENT', 'absent Zz1 Yy']]));
    expect(scan.files.sort()).toEqual([join('Default', 'Sessions', 'Session_1'), join('Default', 'Web Data'), 'Local State']);
    expect(scan.hits.sort()).toEqual([`${join('Default', 'Sessions', 'Session_1')}: BODY (UTF-16)`, `${join('Default', 'Web Data')}: TITLE (UTF-8)`]);
    expect(scan.bytes).toBeGreaterThan(100);
  });

  it('reads a link back out of a file where the next column follows it directly, cut to what the check accepts', () => {
    const dir = profile();
    const link = 'http://127.0.0.1:4000/#/join/AbC-12_x';
    writeFileSync(join(dir, 'History'), Buffer.concat([Buffer.from([0, 7]), Buffer.from(`${link}Obscura`), Buffer.from([0]), Buffer.from('http://127.0.0.1:4000/#/join/zz')]));
    const whole = (candidate: string) => candidate === link;
    expect(linksInFile(join(dir, 'History'), 'http://127.0.0.1:4000', '#/join/', whole)).toEqual([link]);
    expect(linksInFile(join(dir, 'History'), 'http://127.0.0.1:4001', '#/join/', whole)).toEqual([]);
  });
});
