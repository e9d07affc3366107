import { describe, expect, it } from 'vitest';
import { markerForms, plaintextWindows, scan, type CanaryReport } from '../../e2e/harness/canary.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';

/** The sync e2e canary reports zero hits; this shows it would report a planted one. */
describe('canary scan (tests/e2e/harness/canary.ts)', () => {
  const marker = 'Title-CANARY-x1y2-k2';
  const needles = new Map([[marker, markerForms(marker)]]);
  const fresh = (): CanaryReport => ({ scannedItems: 0, scannedBytes: 0, hits: [] });

  it('finds a marker as UTF-8, and base64/base64url-encoded at every alignment', () => {
    for (let pad = 0; pad < 3; pad++) {
      const raw = Buffer.concat([Buffer.alloc(pad, 7), Buffer.from(marker), Buffer.alloc(5, 9)]);
      for (const form of [raw, Buffer.from(raw.toString('base64')), Buffer.from(raw.toString('base64url'))]) {
        const report = fresh();
        scan(report, 'frame', [Buffer.concat([Buffer.from('{"x":"'), form, Buffer.from('"}')])], needles);
        expect(report.hits, `pad ${pad}`).toEqual(['frame[0]: ' + marker]);
      }
    }
  });

  it('finds 64 plaintext bytes of a photo anywhere in a payload, and nothing in random bytes', () => {
    const seed = testSeed();
    console.log(`canary-scan seed ${seed} (OBSCURA_SEED replays)`);
    const next = seededRandom(seed);
    const photo = Buffer.from(Array.from({ length: 20_000 }, () => Math.floor(next() * 256)));
    const windows = new Map([['photo', plaintextWindows(photo)]]);
    const planted = fresh();
    scan(planted, 'channel', [Buffer.concat([Buffer.alloc(33), photo.subarray(8192, 8192 + 64), Buffer.alloc(3)])], windows);
    expect(planted.hits).toEqual(['channel[0]: photo']);
    const clean = fresh();
    scan(clean, 'channel', [Buffer.from(Array.from({ length: 50_000 }, () => Math.floor(next() * 256)))], new Map([...windows, ...needles]));
    expect(clean.hits).toEqual([]);
    expect(clean.scannedBytes).toBe(50_000);
  });
});
