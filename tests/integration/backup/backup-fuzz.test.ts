import { beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { bytesSource, scanBackup } from '../../../sync/backup/backup-reader.ts';
import { seededRandom, testSeed } from '../../helpers/seeded-random.ts';
import { makeBackup, type Made } from './backup-fixture.ts';

const CODES = ['E_BACKUP_FORMAT', 'E_BACKUP_VERSION', 'E_BACKUP_TRUNCATED', 'E_BACKUP_HASH'];
const seed = testSeed();
let made: Made;

beforeAll(async () => {
  await sodiumReady();
  console.log(`[backup fuzz] seed ${seed} (replay with OBSCURA_SEED=${seed})`);
  made = await makeBackup(seed);
});

describe('backup reader fuzz (seeded)', () => {
  it('every flipped, cut, inserted or overwritten byte is refused with a code, never thrown', async () => {
    const random = seededRandom(seed);
    const at = (n: number) => Math.floor(random() * n);
    const seen = new Map<string, number>();
    for (let round = 0; round < 300; round++) {
      let bytes = made.bytes.slice();
      const kind = round % 4;
      if (kind === 0) bytes[at(bytes.length)] ^= 1 << at(8);
      else if (kind === 1) bytes = bytes.subarray(0, at(bytes.length));
      else if (kind === 2) {
        const i = at(bytes.length);
        bytes = Uint8Array.from([...bytes.subarray(0, i), at(256), ...bytes.subarray(i)]);
      } else {
        // A field of the framing (type, id length, data length) gets a random value.
        const i = at(Math.min(bytes.length, 400));
        bytes[i] = at(256);
        if (bytes[i] === made.bytes[i]) continue;
      }
      const scanned = await scanBackup(bytesSource(bytes));
      expect(scanned.ok, `round ${round} kind ${kind}`).toBe(false);
      if (!scanned.ok) {
        expect(CODES).toContain(scanned.error.code);
        seen.set(scanned.error.code, (seen.get(scanned.error.code) ?? 0) + 1);
      }
    }
    console.log('[backup fuzz] codes', Object.fromEntries(seen));
    expect(seen.get('E_BACKUP_HASH')).toBeGreaterThan(0);
    expect(seen.get('E_BACKUP_TRUNCATED')).toBeGreaterThan(0);
  });
});
