import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formAutocompleteProblems } from '../../lint/form-autocomplete.ts';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

function tsxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? tsxFiles(path) : entry.name.endsWith('.tsx') ? [path] : [];
  });
}

const check = (jsx: string) => formAutocompleteProblems('x.tsx', `export const X = () => (${jsx});`);

describe('every field that can hold text says autocomplete (issue 13 §1: the browser profile keeps what fields held)', () => {
  it('every <input> and <textarea> under src/ has autocomplete="off", or a password token on a passphrase field', () => {
    const files = tsxFiles(join(ROOT, 'src'));
    const problems = files.flatMap((path) => formAutocompleteProblems(relative(ROOT, path), readFileSync(path, 'utf8')));
    const fields = files.reduce((n, path) => n + (readFileSync(path, 'utf8').match(/<(input|textarea)\b/g)?.length ?? 0), 0);
    console.log(`form-autocomplete: ${files.length} .tsx files, ${fields} fields, ${problems.length} problems`);
    expect(fields).toBeGreaterThan(30);
    expect(problems).toEqual([]);
  });

  it('flags a text field or textarea without autocomplete, or with a value that keeps it ("on", a name token)', () => {
    expect(check('<input id="title" value={t()} />')).toEqual(['x.tsx:1 <input id="title">: no autocomplete attribute (use autocomplete="off", or a password token on a passphrase field)']);
    expect(check('<textarea id="body" />')).toHaveLength(1);
    expect(check('<input type="search" autocomplete="on" />')[0]).toContain('autocomplete "on" keeps it in the profile');
    expect(check('<input readOnly value={link()} autocomplete="name" />')).toHaveLength(1);
    expect(check('<input type="date" />')).toHaveLength(1);
    // Nested in other markup, over several lines: found and placed.
    expect(check('<form>\n  <div>\n    <input id="deep" />\n  </div>\n</form>')).toEqual([expect.stringMatching(/^x\.tsx:3 <input id="deep">/)]);
  });

  it('a passphrase field keeps its password token; "off" or a missing one is flagged there too', () => {
    expect(check('<input type="password" autocomplete="new-password" />')).toEqual([]);
    expect(check('<input type="password" autocomplete="current-password" />')).toEqual([]);
    expect(check('<input type="password" autocomplete="off" />')[0]).toContain('keeps its password token');
    expect(check('<input type="password" />')).toHaveLength(1);
    expect(check('<input type="text" autocomplete="current-password" />')).toHaveLength(1);
    // A field that switches between a passphrase and a recovery key.
    expect(check(`<input type={r() ? 'text' : 'password'} autocomplete={r() ? 'off' : 'current-password'} />`)).toEqual([]);
    expect(check(`<input type={r() ? 'text' : 'password'} autocomplete={r() ? 'on' : 'current-password'} />`)).toHaveLength(1);
  });

  it('fields without typed text need nothing; spread or unreadable attributes are flagged', () => {
    for (const type of ['checkbox', 'radio', 'file', 'range']) expect(check(`<input type="${type}" />`), type).toEqual([]);
    expect(check('<input type={kind()} autocomplete="off" />')[0]).toContain('its type cannot be read');
    expect(check('<input {...props} />')[0]).toContain('spread attributes');
    expect(check('<input autocomplete={mode()} />')[0]).toContain('cannot be read');
    expect(check('<input autocomplete="off" id="ok" />')).toEqual([]);
    expect(check('<textarea autocomplete="off" />')).toEqual([]);
  });
});
