import { describe, expect, it } from 'vitest';
import { KEEP_ORIGINALS_MIN_FREE, keepOriginalsDefault } from '../../../sync/storage/keep-originals-default.ts';

const GB = 1024 ** 3;
const storage = (estimate: () => Promise<StorageEstimate>) => ({ estimate });

describe('keep originals: the default from the room the browser gives', () => {
  it('on with at least 1 GB free; off below, saying how much is free', async () => {
    expect(await keepOriginalsDefault(storage(async () => ({ quota: 10 * GB, usage: 30e6 })))).toEqual({ on: true });
    expect(await keepOriginalsDefault(storage(async () => ({ quota: KEEP_ORIGINALS_MIN_FREE, usage: 0 })))).toEqual({ on: true });
    const small = await keepOriginalsDefault(storage(async () => ({ quota: 200 * 1024 ** 2, usage: 30 * 1024 ** 2 })));
    expect(small.on).toBe(false);
    expect(small.why).toBe('Off by default: this browser leaves Obscura 170 MB free, and keeping originals wants at least 1024 MB.');
    const full = await keepOriginalsDefault(storage(async () => ({ quota: 100, usage: 200 })));
    expect(full.why).toContain('0 MB free');
  });

  it('off when the browser cannot say (no StorageManager, no quota, or estimate() fails), with that reason', async () => {
    for (const s of [undefined, storage(async () => ({})), storage(() => Promise.reject(new Error('denied')))]) {
      const decided = await keepOriginalsDefault(s);
      expect(decided.on).toBe(false);
      expect(decided.why).toBe('Off by default: this browser does not say how much it can store for Obscura.');
    }
  });
});
