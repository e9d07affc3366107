/**
 * `npm run bench -- relay-load [--seconds 25] [--every 200] [--rooms 10] [--devices 5]`:
 * one real relay process (`npm run relay`, loopback) and rooms x devices simulated devices
 * in this process, each a real SealedDoc replicating through replicateBox. Every device
 * writes a sealed note about every `--every` ms (flushed at once, no coalescing), one in ten
 * with a 64 KiB encrypted blob PUT to the relay and fetched, hash-checked and opened by the
 * others. Prints updates/s, write-to-other-device latency (p50/p95/p99), relay RSS, losses.
 * Note: the devices share this process's CPU, so latency includes their own sealing and
 * verifying; on 2 cores the client side, not the relay, is the bottleneck.
 */
import { sodiumReady } from '../../crypto/index.ts';
import { startRelayProcess } from '../helpers/relay-process.ts';
import { testSeed } from '../helpers/seeded-random.ts';
import { describeLoad, runRelayLoad } from './relay-load/load-run.ts';

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

export async function run(args: string[]): Promise<void> {
  await sodiumReady();
  const seed = testSeed();
  const relay = await startRelayProcess();
  try {
    const options = {
      relay,
      rooms: option(args, 'rooms', 10),
      devicesPerRoom: option(args, 'devices', 5),
      seconds: option(args, 'seconds', 25),
      writeEveryMs: option(args, 'every', 200),
      blobChance: 0.1,
      blobBytes: 64 * 1024,
      seed,
      drainMs: 60_000,
    };
    console.log(`relay pid ${relay.pid}, seed ${seed} (OBSCURA_SEED replays), ${options.rooms} rooms x ${options.devicesPerRoom} devices, ${options.seconds} s, a write every ~${options.writeEveryMs} ms per device`);
    const report = await runRelayLoad(options);
    console.log(describeLoad(report));
    if (report.lost > 0 || !report.lateJoinerCaughtUp) process.exitCode = 1;
  } finally {
    console.log(`relay exited with ${await relay.stop()}`);
  }
}
