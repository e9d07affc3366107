/**
 * `npm run bench -- sync [notes...]`: a new device catching up on a notebook through the
 * real relay (in this process, 127.0.0.1, LevelDB in a temp dir), sealed box vs the same
 * notes as a plain Y.Doc, in the same run. Default 1,000 and 5,000 notes.
 * Also the same sealed catch-up peer to peer (WebRTC in Node: a second process serves it),
 * and in Chromium between two browser contexts (`chromium` as an argument: that alone).
 * Target (issue 3): wire bytes <= 1.3x plain. Times are medians of 3 catch-ups; the room
 * is unloaded before each, so every catch-up is served from the relay's disk.
 * Then 100 thumbnails to a new device through the relay, one at a time vs two (before) vs
 * now (sync/thumbnails.ts; `thumbs` as an argument: that alone). Target (issue 18): <= 10 s.
 */
import { randomBytes, deriveId, sodiumReady } from '../../crypto/index.ts';
import { startRelayServer, type RelayServer } from '../../sync/server/relay-server.ts';
import { tempDataDir } from '../integration/relay/relay-harness.ts';
import { buildNotebooks, catchUp, upload, type CatchUp } from './sync/catch-up.ts';
import { chromiumP2pCatchUp } from './sync/chromium-p2p.ts';
import { p2pCatchUp } from './sync/p2p-catch-up.ts';
import { thumbnailBench } from './sync/thumbnails.ts';

const RUNS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function roomsUnloaded(relay: RelayServer): Promise<void> {
  while (relay.relay.loadedRooms > 0) await new Promise((resolve) => setTimeout(resolve, 10));
}

async function bench(relay: RelayServer, count: number): Promise<void> {
  const built = await buildNotebooks(count);
  const roomKey = randomBytes(32);
  const rooms = { plain: deriveId(roomKey, 'bench', `plain-${count}`), sealed: deriveId(roomKey, 'bench', `sealed-${count}`) };
  await upload(relay.relayUrl, rooms.plain, built.plain);
  await upload(relay.relayUrl, rooms.sealed, built.box);
  const runs: { plain: CatchUp[]; sealed: CatchUp[] } = { plain: [], sealed: [] };
  for (let i = 0; i < RUNS; i++) {
    await roomsUnloaded(relay);
    runs.plain.push(await catchUp(relay.relayUrl, rooms.plain, count));
    await roomsUnloaded(relay);
    runs.sealed.push(await catchUp(relay.relayUrl, rooms.sealed, count, built.keyring));
  }
  const ms = { plain: median(runs.plain.map((r) => r.ms)), sealed: median(runs.sealed.map((r) => r.ms)) };
  const wire = (r: CatchUp[]) => (r[0] as CatchUp).bytesIn + (r[0] as CatchUp).bytesOut;
  const bytes = { plain: wire(runs.plain), sealed: wire(runs.sealed) };
  const box = built.box;
  console.log(`\n${count} notes, built in ${(built.buildMs / 1000).toFixed(1)} s; box = ${box.getMap('snapshots').size} snapshot(s) + ${box.getMap('entries').size} entries`);
  const p2p = await p2pCatchUp(relay.signalingUrl, count);
  console.table({
    [`catch-up ms (median of ${RUNS})`]: { plain: +ms.plain.toFixed(1), sealed: +ms.sealed.toFixed(1), ratio: +(ms.sealed / ms.plain).toFixed(2), target: '' },
    'p2p catch-up ms (WebRTC, Node, 1 run)': { plain: '', sealed: +p2p.ms.toFixed(1), ratio: '', target: '' },
    'wire bytes (in + out)': { plain: bytes.plain, sealed: bytes.sealed, ratio: +(bytes.sealed / bytes.plain).toFixed(3), target: '<= 1.3x' },
  });
}

/** Chromium's own WebRTC, two contexts, the notebook built in the page (webrtc-page.ts). */
async function benchChromium(counts: number[]): Promise<void> {
  const rows: Record<string, { 'box bytes': number; 'catch-up ms': number; notes: number; quarantined: number }> = {};
  for (const count of counts) {
    const result = await chromiumP2pCatchUp(count);
    rows[`${count} notes`] = { 'box bytes': result.boxBytes, 'catch-up ms': +result.ms.toFixed(0), notes: result.state.notes, quarantined: result.state.quarantined };
  }
  console.log('\nP2P catch-up in Chromium (two contexts, replicateBox, no relay; from joining until every note is in the plain doc):');
  console.table(rows);
}

export async function run(args: string[]): Promise<void> {
  await sodiumReady();
  if (args[0] === 'chromium') return benchChromium(args.length > 1 ? args.slice(1).map(Number) : [5_000]);
  const thumbsOnly = args[0] === 'thumbs';
  const counts = thumbsOnly ? [] : args.length > 0 ? args.map(Number) : [1_000, 5_000];
  const data = tempDataDir();
  // The plain baseline is a notes doc, not a box: the relay's box check would refuse it; and the
  // bench's bare uploader holds no room write key. Both measured paths cross the same relay.
  const relay = await startRelayServer({ dataDir: data.dir, port: 0, checkBoxSchema: false, requireWriteCapability: false });
  try {
    for (const count of counts) await bench(relay, count);
    await thumbnailBench(relay);
  } finally {
    await relay.close();
    data.remove();
  }
}
