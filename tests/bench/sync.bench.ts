/**
 * `npm run bench -- sync [notes...]`: a new device catching up on a notebook through the
 * real relay (in this process, 127.0.0.1, LevelDB in a temp dir), sealed box vs the same
 * notes as a plain Y.Doc, in the same run. Default 1,000 and 5,000 notes.
 * Also the same sealed catch-up peer to peer (WebRTC in Node: a second process serves it),
 * and in Chromium between two browser contexts (`chromium` as an argument: that alone).
 * Target (issue 3): wire bytes <= 1.3x plain. Times are medians of 3 catch-ups; the room
 * is unloaded before each, so every catch-up is served from the relay's disk.
 * Then 100 thumbnails to a new device through the relay, one at a time vs two (before) vs
 * now (sync/thumbnails.ts), and the same in the real app: a newly linked Chromium device
 * opening a notebook of 100 imported photos and scrolling it (sync/app-thumbnails.ts).
 * `thumbs` as an argument: those two alone; `app-thumbs [ms...]`: the app alone, a new device for
 * each added delay per blob GET (default 0 and 50). Target (issue 18): <= 10 s.
 *
 * Also what size padding costs, in the same run: photos as blob v1 and v2, and the box sealed
 * again as envelope v2 and v3, caught up through the relay.
 */
import { contentHash, decryptBlob, deriveId, encryptBlob, randomBytes, randomPhotoKey, sealEnvelope, sodiumReady, utf8 } from '../../crypto/index.ts';
import { startRelayServer, type RelayServer } from '../../sync/server/relay-server.ts';
import { tempDataDir } from '../integration/relay/relay-harness.ts';
import { buildNotebooks, catchUp, upload, type CatchUp } from './sync/catch-up.ts';
import { chromiumP2pCatchUp } from './sync/chromium-p2p.ts';
import { p2pCatchUp } from './sync/p2p-catch-up.ts';
import { thumbnailBench } from './sync/thumbnails.ts';
import { appThumbnailBench } from './sync/app-thumbnails.ts';
import { encryptBlobV1, resealBox, sealEnvelopeV2 } from './legacy-formats.ts';

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
  await paddingCatchUp(relay, count, built);
}

/** Padding's cost on the wire: the same box sealed again as envelope v2 (unpadded) and v3 (padded), each caught up through the relay. */
async function paddingCatchUp(relay: RelayServer, count: number, built: Awaited<ReturnType<typeof buildNotebooks>>): Promise<void> {
  const roomKey = randomBytes(32);
  const formats = {
    v2: resealBox(built.box, built.keyring, 'bench-sync', built.signer, sealEnvelopeV2),
    v3: resealBox(built.box, built.keyring, 'bench-sync', built.signer, sealEnvelope),
  };
  const rooms = { v2: deriveId(roomKey, 'bench', `v2-${count}`), v3: deriveId(roomKey, 'bench', `v3-${count}`) };
  await upload(relay.relayUrl, rooms.v2, formats.v2);
  await upload(relay.relayUrl, rooms.v3, formats.v3);
  const runs: { v2: CatchUp[]; v3: CatchUp[] } = { v2: [], v3: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const format of ['v2', 'v3'] as const) {
      await roomsUnloaded(relay);
      runs[format].push(await catchUp(relay.relayUrl, rooms[format], count, built.keyring));
    }
  }
  const ms = { v2: median(runs.v2.map((r) => r.ms)), v3: median(runs.v3.map((r) => r.ms)) };
  const wire = (r: CatchUp[]) => (r[0] as CatchUp).bytesIn + (r[0] as CatchUp).bytesOut;
  console.log(`Padding (issue 13 §2), ${count} notes: the same box sealed again as envelope v2 (unpadded) and v3 (Padmé buckets):`);
  console.table({
    [`catch-up ms (median of ${RUNS})`]: { v2: +ms.v2.toFixed(1), v3: +ms.v3.toFixed(1), ratio: +(ms.v3 / ms.v2).toFixed(2) },
    'wire bytes (in + out)': { v2: wire(runs.v2), v3: wire(runs.v3), ratio: +(wire(runs.v3) / wire(runs.v2)).toFixed(3) },
  });
}

/** Padding's cost for photos: blob v1 (unpadded) and v2 (padded), encrypted, stored at the relay, decrypted. */
async function paddingBlobs(relay: RelayServer): Promise<void> {
  const rows: Record<string, Record<string, number | string>> = {};
  const ad = utf8('bench-photo');
  const time = (f: () => void) => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      f();
      times.push(performance.now() - start);
    }
    return median(times);
  };
  for (const size of [20_000, 150_000, 1_500_000, 4_000_000, 12_000_000]) {
    const key = randomPhotoKey();
    const photo = randomBytes(size);
    const v1 = encryptBlobV1(key, photo, ad);
    const v2 = encryptBlob(key, photo, ad);
    const put = async (bytes: Uint8Array, room: string) => {
      const start = performance.now();
      const response = await fetch(`${relay.blobsUrl}/${room}/${contentHash(bytes)}`, { method: 'PUT', body: bytes as Uint8Array<ArrayBuffer> });
      if (response.status !== 201) throw new Error(`relay answered ${response.status}`);
      return performance.now() - start;
    };
    const room = deriveId(randomBytes(32), 'bench', `blobs-${size}`);
    rows[`${size.toLocaleString('en')} B photo`] = {
      'v1 bytes': v1.length,
      'v2 bytes': v2.length,
      'bytes ratio': +(v2.length / v1.length).toFixed(4),
      'v1 encrypt ms': +time(() => encryptBlobV1(key, photo, ad)).toFixed(2),
      'v2 encrypt ms': +time(() => encryptBlob(key, photo, ad)).toFixed(2),
      'v1 decrypt ms': +time(() => decryptBlob(key, v1, ad)).toFixed(2),
      'v2 decrypt ms': +time(() => decryptBlob(key, v2, ad)).toFixed(2),
      'v1 PUT ms': +(await put(v1, room)).toFixed(1),
      'v2 PUT ms': +(await put(v2, room)).toFixed(1),
    };
  }
  console.log('\nPadding (issue 13 §2), photos: blob v1 (unpadded) and v2 (Padmé buckets), times median of 3 (PUT: one each, to the real relay):');
  console.table(rows);
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
  if (args[0] === 'app-thumbs') return appThumbnailBench(args.length > 1 ? args.slice(1).map(Number) : undefined);
  const thumbsOnly = args[0] === 'thumbs';
  const counts = thumbsOnly ? [] : args.length > 0 ? args.map(Number) : [1_000, 5_000];
  const data = tempDataDir();
  // The plain baseline is a notes doc, not a box: the relay's box check would refuse it; and the
  // bench's bare uploader holds no room write key. Both measured paths cross the same relay.
  const relay = await startRelayServer({ dataDir: data.dir, port: 0, checkBoxSchema: false, requireWriteCapability: false });
  try {
    await paddingBlobs(relay);
    for (const count of counts) await bench(relay, count);
    await thumbnailBench(relay);
  } finally {
    await relay.close();
    data.remove();
  }
  await appThumbnailBench();
}
