import { describe, expect, it } from 'vitest';
import { checkDocReferences, formatReport } from '../../lint/doc-references.ts';

/** A small repository: path -> text. Every path is also a file that exists. */
function check(files: Record<string, string>) {
  const texts = new Map(Object.entries(files));
  return checkDocReferences(texts, new Set(texts.keys()));
}

const PROTOCOL = [
  '# Sealed notebooks',
  '## Device link (same person)',
  '## Hostile relay: what a device can and cannot tell',
  '**Key epochs** (`key-epochs.ts`). Which key is current…',
  '- Known y-webrtc weakness, not the framing\u2019s: two peers…',
  '```',
  '## Not a heading (inside a code block)',
  '```',
].join('\n');
const ARCH = ['# Architecture', '## 1. Layers', '## 4. Where bytes leave the device', 'See §4 and §9.'].join('\n');
const THREAT = ['# Threat model', '| party | can |', '|---|---|', '| **A malicious peer in the notebook** | … |'].join('\n');

describe('doc references (tests/lint/check-doc-references.ts, a stage of npm test)', () => {
  it('resolves headings, their part before a qualifier, bold leads and bold table rows', () => {
    const report = check({
      'sync/PROTOCOL.md': PROTOCOL,
      'THREAT_MODEL.md': THREAT,
      'sync/a.ts': [
        '/** See sync/PROTOCOL.md "Device link" and sync/PROTOCOL.md, "Hostile relay". */',
        '// Epochs: PROTOCOL.md "Key epochs". Parties: THREAT_MODEL.md ("A malicious peer in the notebook").',
      ].join('\n'),
    });
    expect(report.broken).toEqual([]);
    expect(report.checked).toBe(4);
  });

  it('refuses a missing file, a missing section, a mere prefix, plain text and a heading inside a code block', () => {
    const report = check({
      'sync/PROTOCOL.md': PROTOCOL,
      'src/b.ts': [
        '// sync/TAG_CLI.md says how.',
        '// sync/PROTOCOL.md "Invite link", sync/PROTOCOL.md "Device",',
        '// sync/PROTOCOL.md "Known y-webrtc weakness", sync/PROTOCOL.md "Not a heading".',
      ].join('\n'),
    });
    expect(report.broken.map((b) => [b.line, b.problem])).toEqual([
      [1, 'no file sync/TAG_CLI.md (from the root or from src/)'],
      [2, 'sync/PROTOCOL.md has no heading or bold lead "Invite link"'],
      [2, 'sync/PROTOCOL.md has no heading or bold lead "Device"'],
      [3, 'sync/PROTOCOL.md has no heading or bold lead "Known y-webrtc weakness"'],
      [3, 'sync/PROTOCOL.md has no heading or bold lead "Not a heading"'],
    ]);
  });

  it('checks numbered sections: ARCHITECTURE §n, lists of them, and a doc citing its own §n', () => {
    const report = check({
      'ARCHITECTURE.md': ARCH,
      'ml/c.ts': '/** Threads (ARCHITECTURE §4, §7); layers: ARCHITECTURE.md §1. */',
      'tests/RESULTS.md': 'Since issue 12 §5 the bench runs with the capability (RFC 8439 §2 for the cipher).',
    });
    expect(report.broken.map((b) => `${b.from}:${b.line} ${b.text}: ${b.problem}`)).toEqual([
      'ARCHITECTURE.md:4 §9: ARCHITECTURE.md has no section numbered 9',
      'ml/c.ts:1 ARCHITECTURE §7: ARCHITECTURE.md has no section numbered 7',
    ]);
  });

  it('reads only the comments of source files, and joins a title that wraps across JSDoc lines', () => {
    const report = check({
      'sync/PROTOCOL.md': PROTOCOL,
      'src/components/D.tsx': [
        "const name = ' chelsea.md'; const pattern = /notes\\.md$/;",
        '/**',
        ' * The side lane (sync/PROTOCOL.md "Hostile',
        ' * relay") shares the channel.',
        ' */',
        'const jsx = <p>{/* sync/PROTOCOL.md "Nowhere" */}text // not.md</p>;',
      ].join('\n'),
    });
    expect(report.broken.map((b) => [b.line, b.text])).toEqual([[6, 'sync/PROTOCOL.md "Nowhere"']]);
  });

  it('resolves ./ and ../ from the citing folder, a bare name there or at the root, and refuses an ambiguous bare name', () => {
    const report = check({
      'README.md': '## The tag CLI',
      'models/README.md': '# models/',
      'models/tag.ts': '// Usage: ../README.md "The tag CLI"; converter: README.md; wrong: ./README.md "The tag CLI".',
      'tests/bench/ml/RESULTS.md': '# ML',
      'tests/bench/sync/RESULTS.md': '# Sync',
      'models/converter/e.ts': '// see RESULTS.md; tests/bench/ml/RESULTS.md',
    });
    expect(report.broken.map((b) => `${b.from} ${b.text}: ${b.problem}`)).toEqual([
      'models/tag.ts ./README.md "The tag CLI": models/README.md has no heading or bold lead "The tag CLI"',
      'models/converter/e.ts RESULTS.md: 2 files are named RESULTS.md (tests/bench/ml/RESULTS.md, tests/bench/sync/RESULTS.md): give the path',
    ]);
  });

  it('checks a doc\u2019s "above"/"below" references against its own headings', () => {
    const report = check({
      'sync/PROTOCOL.md': `${PROTOCOL}\nAs above, "Device link"; below, "Lock: what is wiped".`,
    });
    expect(report.broken.map((b) => b.problem)).toEqual(['sync/PROTOCOL.md has no heading or bold lead "Lock: what is wiped"']);
  });

  it('prints each broken reference with its place and reason', () => {
    const report = check({ 'src/f.ts': '// crypto/FORMATS.md "Envelope v9"' });
    expect(formatReport(report)).toBe(
      ['doc references: 1 of 1 do not resolve:', '  src/f.ts:1  crypto/FORMATS.md "Envelope v9"', '      no file crypto/FORMATS.md (from the root or from src/)'].join('\n'),
    );
    expect(formatReport(check({ 'a.md': '# A', 'b.md': 'See a.md "A".' }))).toBe('doc references: all 1 resolve');
  });
});
