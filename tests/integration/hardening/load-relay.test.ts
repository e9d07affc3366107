import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { describeLoad, runRelayLoad } from '../../bench/relay-load/load-run.ts';
import { startRelayProcess, type RelayProcess } from '../../helpers/relay-process.ts';
import { testSeed } from '../../helpers/seeded-random.ts';

// The short version of `npm run bench -- relay-load`: only "nothing lost" and "still serves".
let relay: RelayProcess;
beforeAll(async () => {
  await sodiumReady();
  relay = await startRelayProcess();
});
afterAll(async () => {
  expect(await relay.stop()).toBe(0);
});

describe('relay under load (50 devices, 10 rooms, real relay process)', () => {
  it('every update and blob reaches every other device of its room, and the relay still serves', { timeout: 120_000 }, async () => {
    const seed = testSeed();
    console.log(`[load] seed ${seed} (replay with OBSCURA_SEED=${seed})`);
    const report = await runRelayLoad({ relay, rooms: 10, devicesPerRoom: 5, seconds: 8, writeEveryMs: 400, blobChance: 0.1, blobBytes: 32 * 1024, seed, drainMs: 30_000 });
    console.log(describeLoad(report));
    expect(report.notesWritten).toBeGreaterThan(100);
    expect(report.lost).toBe(0);
    expect(report.deliveriesSeen).toBe(report.deliveriesExpected);
    expect(report.blobs.uploaded).toBeGreaterThan(0);
    expect(report.blobs.failed).toBe(0);
    expect(report.blobs.fetchedAndOpened).toBe(report.blobs.fetchesExpected);
    expect(report.quarantined).toBe(0);
    expect(report.lateJoinerCaughtUp).toBe(true);
    expect(relay.alive()).toBe(true);
  });
});
