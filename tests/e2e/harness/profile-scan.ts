import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface ProfileScan {
  readonly files: string[];
  readonly bytes: number;
  /** `file: marker (encoding)` for every marker found. */
  readonly hits: string[];
}

/** Every regular file under `dir`, depth first, as paths relative to it. */
export function profileFiles(dir: string): string[] {
  const walk = (at: string): string[] =>
    readdirSync(at, { withFileTypes: true }).flatMap((entry) => {
      const path = join(at, entry.name);
      if (entry.isDirectory()) return walk(path);
      return entry.isFile() ? [relative(dir, path)] : [];
    });
  return walk(dir);
}

/**
 * Searches every file of a browser profile for each marker, as UTF-8 and as UTF-16LE (how
 * Chromium keeps page state in its session files, and localStorage values). Files Chromium
 * compresses (LevelDB tables after a compaction) could hide a marker from a byte search; the
 * short runs of the tests leave their writes in the uncompressed logs, and markers share no
 * substring, so a compressor has nothing to fold.
 */
export function scanProfile(dir: string, markers: ReadonlyMap<string, string>): ProfileScan {
  const files = profileFiles(dir);
  const needles = [...markers].flatMap(([name, text]) => [
    { name: `${name} (UTF-8)`, bytes: Buffer.from(text, 'utf8') },
    { name: `${name} (UTF-16)`, bytes: Buffer.from(text, 'utf16le') },
  ]);
  let bytes = 0;
  const hits: string[] = [];
  for (const file of files) {
    const content = readFileSync(join(dir, file));
    bytes += content.length;
    for (const needle of needles) if (content.includes(needle.bytes)) hits.push(`${file}: ${needle.name}`);
  }
  return { files, bytes, hits };
}

/**
 * Links of the app's origin with this fragment prefix (e.g. `#/join/`) kept as text in a file
 * (History is SQLite: a URL is stored as text, but the next column's text may follow it
 * directly, so each find is cut back to the longest prefix that `isWhole` accepts).
 */
export function linksInFile(path: string, origin: string, prefix: string, isWhole: (link: string) => boolean): string[] {
  const text = readFileSync(path).toString('latin1');
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const pattern = new RegExp(`${escape(origin)}/${escape(prefix)}[A-Za-z0-9_-]+`, 'g');
  const found = new Set<string>();
  for (const candidate of text.match(pattern) ?? []) {
    for (let end = candidate.length; end > origin.length + prefix.length; end--) {
      if (isWhole(candidate.slice(0, end))) {
        found.add(candidate.slice(0, end));
        break;
      }
    }
  }
  return [...found];
}
