/**
 * `npm run bench -- relay-load [--seconds 25] [--every 200] [--rooms 10] [--devices 5] [--honest-only]`:
 * one real relay process (`npm run relay`, loopback) and rooms x
 * devices simulated devices in this process, each a real SealedDoc replicating through
 * replicateBox (the app's Hocuspocus client) and presenting its room's write capability. Every device writes a sealed note
 * about every `--every` ms (flushed at once, no coalescing), one in ten with a 64 KiB
 * encrypted blob PUT to the relay and fetched, hash-checked and opened by the others.
 * `--seconds` of that alone, then `--seconds` more alongside hostile clients (room flood,
 * tiny structs, a connection flood from one address, drive-by writes without a capability:
 * relay-load/hostile-clients.ts, in a process of their own). Prints updates/s, write-to-other-device latency
 * (p50/p95/p99), relay RSS and losses, before and during the attack, and what the relay
 * did to each hostile client.
 * Note: the devices share this process's CPU, so latency includes their own sealing and
 * verifying; on 2 cores the client side, not the relay, is the bottleneck.
 */
import { sodiumReady } from '../../crypto/index.ts';
import { startRelayProcess } from '../helpers/relay-process.ts';
import { testSeed } from '../helpers/seeded-random.ts';
import { startHostileProcess } from './relay-load/start-hostile-process.ts';
import { describeLoad, runRelayLoad } from './relay-load/load-run.ts';
import { positiveOption } from './positive-option.ts';

export async function run(args: string[]): Promise<void> {
  await sodiumReady();
  const seed = testSeed();
  const hostile = !args.includes('--honest-only');
  const rooms = positiveOption(args, 'rooms', 10);
  const devicesPerRoom = positiveOption(args, 'devices', 5);
  // The devices all connect from 127.0.0.1; the hostile clients each from an address of their own.
  const perAddress = Math.max(64, rooms * devicesPerRoom + 8);
  // maxRooms lowered from 1,000 so that the room flood meets it within the run.
  const relay = await startRelayProcess(['--limit', `maxConnectionsPerIp=${perAddress}`, '--limit', 'maxRooms=300']);
  try {
    const options = {
      relay,
      rooms,
      devicesPerRoom,
      seconds: positiveOption(args, 'seconds', 25),
      writeEveryMs: positiveOption(args, 'every', 200),
      blobChance: 0.1,
      blobBytes: 64 * 1024,
      seed,
      drainMs: 60_000,
      ...(hostile ? { attack: startHostileProcess } : {}),
    };
    console.log(`relay pid ${relay.pid}, seed ${seed} (OBSCURA_SEED replays), ${options.rooms} rooms x ${options.devicesPerRoom} devices, ${options.seconds} s, a write every ~${options.writeEveryMs} ms per device`);
    const report = await runRelayLoad(options);
    console.log(describeLoad(report));
    if (report.lost > 0 || !report.lateJoinerCaughtUp || report.foreignEntries > 0 || report.quarantined > 0) process.exitCode = 1;
  } finally {
    console.log(`relay exited with ${await relay.stop()}`);
  }
}
