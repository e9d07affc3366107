import { describe, expect, it } from 'vitest';
import type { StorageAdapter } from '../../../sync/storage/storage-adapter.ts';

/** The contract every StorageAdapter must meet; each adapter's test file runs it. */
export function runStorageAdapterTests(name: string, setup: () => Promise<StorageAdapter>): void {
  const bytes = (...values: number[]) => new Uint8Array(values);

  describe(`StorageAdapter contract: ${name}`, () => {
    it('loads undefined for a missing key', async () => {
      const storage = await setup();
      expect(await storage.load(['missing'])).toBeUndefined();
    });

    it('saves and loads bytes, and overwrites', async () => {
      const storage = await setup();
      await storage.save(['a', 'b'], bytes(1, 2, 3));
      expect(await storage.load(['a', 'b'])).toEqual(bytes(1, 2, 3));
      await storage.save(['a', 'b'], bytes(4));
      expect(await storage.load(['a', 'b'])).toEqual(bytes(4));
    });

    it('does not let a caller mutate stored bytes after save', async () => {
      const storage = await setup();
      const data = bytes(1, 2, 3);
      await storage.save(['k'], data);
      data[0] = 9;
      expect(await storage.load(['k'])).toEqual(bytes(1, 2, 3));
    });

    it('saveIf saves only when the check of what is stored passes, and says whether it saved', async () => {
      const storage = await setup();
      const seen: (Uint8Array | undefined)[] = [];
      expect(await storage.saveIf(['h'], (current) => (seen.push(current), current === undefined), bytes(1))).toBe(true);
      expect(await storage.saveIf(['h'], (current) => (seen.push(current), current === undefined), bytes(2))).toBe(false);
      expect(await storage.load(['h'])).toEqual(bytes(1));
      expect(await storage.saveIf(['h'], (current) => (seen.push(current), current?.[0] === 1), bytes(3))).toBe(true);
      expect(await storage.load(['h'])).toEqual(bytes(3));
      expect(seen).toEqual([undefined, bytes(1), bytes(1)]);
    });

    it('saveIf: of two writers that checked the same stored value, only the first one saves', async () => {
      const storage = await setup();
      await storage.save(['h'], bytes(0));
      const holdsZero = (current: Uint8Array | undefined) => current?.[0] === 0;
      const results = await Promise.all([storage.saveIf(['h'], holdsZero, bytes(1)), storage.saveIf(['h'], holdsZero, bytes(2))]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await storage.load(['h'])).toEqual(bytes(results[0] ? 1 : 2));
    });

    it('removes one key', async () => {
      const storage = await setup();
      await storage.save(['a'], bytes(1));
      await storage.remove(['a']);
      expect(await storage.load(['a'])).toBeUndefined();
      await storage.remove(['never-there']);
    });

    it('loads a range by prefix, in key order, and nothing outside it', async () => {
      const storage = await setup();
      await storage.save(['blob', 'x', '00002'], bytes(2));
      await storage.save(['blob', 'x', '00001'], bytes(1));
      await storage.save(['blob', 'x'], bytes(0));
      await storage.save(['blob', 'xy', '00001'], bytes(7));
      await storage.save(['blobs'], bytes(8));
      await storage.save(['other', 'x'], bytes(9));
      const range = await storage.loadRange(['blob', 'x']);
      expect(range.map((c) => c.key)).toEqual([['blob', 'x'], ['blob', 'x', '00001'], ['blob', 'x', '00002']]);
      expect(range.map((c) => c.data[0])).toEqual([0, 1, 2]);
      expect((await storage.loadRange(['blob'])).length).toBe(4);
      expect(await storage.loadRange(['nothing'])).toEqual([]);
    });

    it('removes a range by prefix and leaves neighbours', async () => {
      const storage = await setup();
      await storage.save(['blob', 'x', '1'], bytes(1));
      await storage.save(['blob', 'x', '2'], bytes(2));
      await storage.save(['blob', 'xy'], bytes(3));
      await storage.removeRange(['blob', 'x']);
      expect(await storage.loadRange(['blob', 'x'])).toEqual([]);
      expect(await storage.load(['blob', 'xy'])).toEqual(bytes(3));
    });

    it('keeps large values intact', async () => {
      const storage = await setup();
      const big = new Uint8Array(1 << 20);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
      await storage.save(['big'], big);
      const loaded = await storage.load(['big']);
      expect(loaded && Buffer.compare(loaded, big)).toBe(0);
    });
  });
}
