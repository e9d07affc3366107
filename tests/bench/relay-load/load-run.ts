/**
 * N devices in R rooms on one real relay process (loopback): each device writes sealed
 * notes (flushed at once, no coalescing) and now and then an encrypted blob, announced in
 * a note; every other device of the room must see every note and fetch and open every blob.
 * With `attack`, the writing runs twice, honest alone and then alongside hostile clients
 * (hostile-clients.ts), and each phase is measured on its own.
 * Shared by `npm run bench -- relay-load` and tests/integration/hardening/load-relay.test.ts.
 */
import * as Y from 'yjs';
import { contentHash, decryptBlob, encryptBlob, generateSigningKeyPair, newKeyId, randomBytes, randomNotebookKey, randomPhotoKey, utf8, type NotebookKey, type SigningKeyPair } from '../../../crypto/index.ts';
import { createNote, notesMap, readNote } from '../../../sync/notebook/notes.ts';
import { replicateBox, type Replication } from '../../../sync/replication/replicate-box.ts';
import { signCapStatement } from '../../../sync/relay-cap/cap-statement.ts';
import { createKeyring } from '../../../sync/sealed/keyring.ts';
import { REMOTE_ORIGIN } from '../../../sync/sealed/origins.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import type { RelayProcess } from '../../helpers/relay-process.ts';
import { seededRandom } from '../../helpers/seeded-random.ts';
import { percentile } from '../percentile.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { writeTokenFor } from './write-token-for.ts';
import { describeAttack, type AttackReport, type AttackTargets } from './hostile-clients.ts';
import type { RunningAttack } from './start-hostile-process.ts';

export interface LoadOptions {
  readonly relay: RelayProcess;
  readonly rooms: number;
  readonly devicesPerRoom: number;
  readonly seconds: number;
  /** Mean pause between one device's writes. */
  readonly writeEveryMs: number;
  /** Chance that a write also uploads a blob. */
  readonly blobChance: number;
  readonly blobBytes: number;
  readonly seed: number;
  /** How long to wait after writing stops for everything to arrive. */
  readonly drainMs: number;
  /**
   * Write a second time, alongside these hostile clients: for `seconds` and until every attack
   * met its cap (`met`), at most `attackMaxSeconds` (default 60).
   */
  readonly attack?: (targets: AttackTargets) => RunningAttack;
  readonly attackMaxSeconds?: number;
}

/** One stretch of writing, measured on its own. */
export interface PhaseReport {
  readonly name: string;
  readonly writeSeconds: number;
  readonly notesWritten: number;
  readonly deliveriesExpected: number;
  readonly deliveriesSeen: number;
  readonly lost: number;
  readonly notesPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
  readonly relayRssPeak: number;
}

export interface LoadReport {
  readonly devices: number;
  readonly writeSeconds: number;
  readonly notesWritten: number;
  readonly deliveriesExpected: number;
  readonly deliveriesSeen: number;
  readonly lost: number;
  readonly notesPerSecond: number;
  readonly deliveriesPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
  readonly blobs: { readonly uploaded: number; readonly fetchesExpected: number; readonly fetchedAndOpened: number; readonly failed: number; readonly bytesUp: number; readonly retried: number };
  readonly relayRss: { readonly start: number; readonly peak: number; readonly end: number };
  readonly quarantined: number;
  /** Box entries no honest device wrote, summed over devices (drive-by writes that got through). */
  readonly foreignEntries: number;
  /** A device that joined each of 2 rooms after the run caught up with every note. */
  readonly lateJoinerCaughtUp: boolean;
  readonly phases: readonly PhaseReport[];
  readonly attack?: AttackReport;
}

interface Device {
  readonly room: number;
  readonly plain: Y.Doc;
  readonly box: Y.Doc;
  readonly sealed: SealedDoc;
  readonly replication: Replication;
}

interface Room {
  readonly roomId: string;
  readonly notebookId: string;
  readonly keyring: ReturnType<typeof createKeyring>;
  readonly notebookKey: NotebookKey;
  readonly writer: SigningKeyPair;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runRelayLoad(o: LoadOptions): Promise<LoadReport> {
  const random = seededRandom(o.seed);
  const blobsBase = o.relay.blobsUrl;
  const rooms: Room[] = Array.from({ length: o.rooms }, (_, i) => {
    const notebookKey = randomNotebookKey();
    const keyId = newKeyId();
    const notebookId = `load-${o.seed}-${i}`;
    return { notebookId, notebookKey, keyring: createKeyring(new Map([[keyId, notebookKey]]), keyId), roomId: deriveRoomId(notebookKey, notebookId), writer: generateSigningKeyPair() };
  });
  const capsUrl = blobsBase.replace(/\/relay-blobs$/, '/relay-caps');
  // Each room's write key registered with the relay and presented, as the app's clients do.
  for (const room of rooms) {
    const response = await fetch(`${capsUrl}/${room.roomId}`, { method: 'PUT', body: new Uint8Array(signCapStatement(room.roomId, generateSigningKeyPair(), 1, room.writer.publicKey)) });
    if (response.status !== 201) throw new Error(`registering a room's write key: ${response.status}`);
  }
  const capHeader = (room: Room): Record<string, string> => ({ 'Obscura-Cap': writeTokenFor(room.roomId, room.writer) });
  const sentAt = new Map<string, { room: number; phase: number; at: number; seen: number }>();
  const latencies: number[][] = [];
  let phase = 0;
  let deliveriesSeen = 0;
  const blobStats = { uploaded: 0, fetchesExpected: 0, fetchedAndOpened: 0, failed: 0, bytesUp: 0, retried: 0 };
  // A request whose connection broke (the relay closed a keep-alive socket as it was reused,
  // seen under the attack) is sent again, as the app's blob sync does; counted, not hidden.
  const fetchAgain = async (url: string, init?: RequestInit): Promise<Response> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fetch(url, init);
      } catch (error) {
        if (attempt >= 3) throw error;
        blobStats.retried++;
      }
    }
  };
  const blobKeys = new Map<string, { key: Uint8Array; ad: Uint8Array }>();
  const inflight = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => (inflight.add(p), void p.finally(() => inflight.delete(p)));

  const fetchBlob = async (room: Room, hash: string) => {
    const res = await fetchAgain(`${blobsBase}/${room.roomId}/${hash}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const keys = blobKeys.get(hash);
    if (res.status === 200 && keys && contentHash(bytes) === hash && decryptBlob(keys.key, bytes, keys.ad).ok) blobStats.fetchedAndOpened++;
    else blobStats.failed++;
  };

  /** `measured`: its arrivals count as deliveries (the late joiners' do not). */
  const open = (roomIndex: number, measured = true): Device => {
    const room = rooms[roomIndex] as Room;
    const plain = new Y.Doc();
    const box = new Y.Doc();
    const sealed = new SealedDoc({ docId: room.notebookId, plain, box, keyring: room.keyring, writer: newWriter(generateSigningKeyPair()) });
    notesMap(plain).observe((event, tx) => {
      if (tx.origin !== REMOTE_ORIGIN || !measured) return;
      const now = performance.now();
      for (const [noteId, change] of event.changes.keys) {
        if (change.action !== 'add') continue;
        const sent = sentAt.get(noteId);
        if (!sent) continue;
        sent.seen++;
        deliveriesSeen++;
        (latencies[sent.phase] ??= []).push(now - sent.at);
        const blob = readNote(plain, noteId)?.body;
        if (blob) track(fetchBlob(room, blob).catch(() => void blobStats.failed++));
      }
    });
    const replication = replicateBox({
      box,
      roomId: room.roomId,
      password: deriveRoomPassword(room.notebookKey, room.notebookId),
      settings: { signalingUrls: [], relayUrl: o.relay.relayUrl, iceServers: [] },
      // A socket per device, as on separate machines (the client shares one per WebSocket class and relay).
      WebSocketPolyfill: class extends (WebSocket as unknown as typeof globalThis.WebSocket) {},
      // The room's write key, presented in each room's authentication; its policy is registered above.
      relayWrite: { writer: () => room.writer, admin: () => undefined, onChange: () => () => undefined },
    });
    return { room: roomIndex, plain, box, sealed, replication };
  };

  const devices: Device[] = [];
  for (let r = 0; r < o.rooms; r++) for (let d = 0; d < o.devicesPerRoom; d++) devices.push(open(r));
  const connected = () => devices.every((d) => d.replication.status().relay === 'connected');
  for (let waited = 0; !connected(); waited += 20) {
    if (waited > 20_000) throw new Error('devices did not all connect to the relay');
    await sleep(20);
  }
  await sleep(300); // initial sync steps

  const rss = { start: o.relay.rssBytes(), peak: 0, end: 0 };
  let notesWritten = 0;
  const write = async (device: Device) => {
    let body = '';
    if (random() < o.blobChance) {
      const room = rooms[device.room] as Room;
      const key = randomPhotoKey();
      const ad = utf8(`load-blob/${room.notebookId}`);
      const ciphertext = encryptBlob(key, randomBytes(o.blobBytes), ad);
      const hash = contentHash(ciphertext);
      blobKeys.set(hash, { key, ad });
      const res = await fetchAgain(`${blobsBase}/${room.roomId}/${hash}`, { method: 'PUT', body: new Uint8Array(ciphertext), headers: capHeader(room) });
      if (res.status !== 201 && res.status !== 200) throw new Error(`blob upload refused: ${res.status}`);
      blobStats.uploaded++;
      blobStats.bytesUp += ciphertext.byteLength;
      blobStats.fetchesExpected += o.devicesPerRoom - 1;
      body = hash;
    }
    const noteId = createNote(device.plain, { title: `n${notesWritten}`, body });
    sentAt.set(noteId, { room: device.room, phase, at: performance.now(), seen: 0 });
    device.sealed.flush();
    notesWritten++;
  };
  const phases: PhaseReport[] = [];
  let attackReport: AttackReport | undefined;
  const names = o.attack ? ['honest alone', 'during the attack'] : ['honest'];
  for (const [index, name] of names.entries()) {
    phase = index;
    const attack = index === 1 ? o.attack?.({ relayUrl: o.relay.relayUrl, blobsUrl: blobsBase, capsUrl, honestRooms: rooms.map((r) => r.roomId) }) : undefined;
    try {
      phases.push(await writePhase(name, attack?.met));
    } finally {
      attackReport = (await attack?.stop()) ?? attackReport;
    }
  }

  /**
   * Every device writes for `o.seconds` (and, during an attack, until it `met` every cap); then
   * waits until this phase's notes arrived (or drainMs).
   */
  async function writePhase(name: string, met?: Promise<void>): Promise<PhaseReport> {
    let peak = o.relay.rssBytes();
    const sampler = setInterval(() => (peak = Math.max(peak, o.relay.rssBytes())), 250);
    const before = notesWritten;
    const started = performance.now();
    let waiting = met !== undefined;
    void met?.then(() => (waiting = false));
    const writing = () => {
      const now = performance.now();
      return now < started + o.seconds * 1000 || (waiting && now < started + (o.attackMaxSeconds ?? 60) * 1000);
    };
    await Promise.all(
      devices.map(async (device) => {
        await sleep(random() * o.writeEveryMs);
        while (writing()) {
          await write(device);
          await sleep(o.writeEveryMs * (0.5 + random()));
        }
      }),
    );
    const writeSeconds = (performance.now() - started) / 1000;
    const written = notesWritten - before;
    const expected = written * (o.devicesPerRoom - 1);
    const mine = () => [...sentAt.values()].filter((s) => s.phase === phase);
    const seen = () => mine().reduce((sum, s) => sum + Math.min(s.seen, o.devicesPerRoom - 1), 0);
    const drainUntil = performance.now() + o.drainMs;
    while ((seen() < expected || inflight.size > 0) && performance.now() < drainUntil) await sleep(25);
    await Promise.allSettled([...inflight]);
    clearInterval(sampler);
    const sorted = (latencies[phase] ?? []).sort((a, b) => a - b);
    rss.peak = Math.max(rss.peak, peak);
    return {
      name,
      writeSeconds,
      notesWritten: written,
      deliveriesExpected: expected,
      deliveriesSeen: seen(),
      lost: expected - seen(),
      notesPerSecond: written / writeSeconds,
      latencyMs: { p50: percentile(sorted, 50, 0), p95: percentile(sorted, 95, 0), p99: percentile(sorted, 99, 0), max: sorted[sorted.length - 1] ?? 0 },
      relayRssPeak: peak,
    };
  }
  const writeSeconds = phases.reduce((sum, p) => sum + p.writeSeconds, 0);
  const deliveriesExpected = notesWritten * (o.devicesPerRoom - 1);

  // The relay still serves: a device that was not there catches up in two rooms.
  let lateJoinerCaughtUp = true;
  for (const r of [0, o.rooms - 1]) {
    const late = open(r, false);
    const expected = [...sentAt.values()].filter((s) => s.room === r).length;
    const until = performance.now() + 15_000;
    while (notesMap(late.plain).size < expected && performance.now() < until) await sleep(25);
    lateJoinerCaughtUp &&= notesMap(late.plain).size === expected;
    devices.push(late);
  }
  rss.end = o.relay.rssBytes();
  rss.peak = Math.max(rss.peak, rss.end);
  const quarantined = devices.reduce((sum, d) => sum + d.sealed.quarantine.size, 0);
  // What hostile clients tried to put into the honest rooms (hostile-clients.ts keys them drive.by/<n>).
  const foreignEntries = devices.reduce((sum, d) => sum + [...d.box.getMap('entries').keys()].filter((key) => key.startsWith('drive.by/')).length, 0);
  for (const d of devices) {
    d.replication.destroy();
    d.sealed.destroy();
  }
  const sorted = latencies.flat().sort((a, b) => a - b);
  const lost = [...sentAt.values()].reduce((sum, s) => sum + (o.devicesPerRoom - 1 - Math.min(s.seen, o.devicesPerRoom - 1)), 0);
  return {
    devices: o.rooms * o.devicesPerRoom,
    writeSeconds,
    notesWritten,
    deliveriesExpected,
    deliveriesSeen,
    lost,
    notesPerSecond: notesWritten / writeSeconds,
    deliveriesPerSecond: deliveriesSeen / writeSeconds,
    latencyMs: { p50: percentile(sorted, 50, 0), p95: percentile(sorted, 95, 0), p99: percentile(sorted, 99, 0), max: sorted[sorted.length - 1] ?? 0 },
    blobs: blobStats,
    relayRss: rss,
    quarantined,
    foreignEntries,
    lateJoinerCaughtUp,
    phases,
    ...(attackReport ? { attack: attackReport } : {}),
  };
}

export function describeLoad(r: LoadReport): string {
  const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
  return [
    `${r.devices} devices, ${r.writeSeconds.toFixed(1)} s of writing: ${r.notesWritten} sealed updates (${r.notesPerSecond.toFixed(0)}/s written, ${r.deliveriesPerSecond.toFixed(0)}/s delivered)`,
    `deliveries ${r.deliveriesSeen}/${r.deliveriesExpected}, lost ${r.lost}, quarantined ${r.quarantined}`,
    `latency write->other device: p50 ${r.latencyMs.p50.toFixed(1)} ms, p95 ${r.latencyMs.p95.toFixed(1)} ms, p99 ${r.latencyMs.p99.toFixed(1)} ms, max ${r.latencyMs.max.toFixed(0)} ms`,
    `blobs: ${r.blobs.uploaded} uploaded (${mib(r.blobs.bytesUp)}), ${r.blobs.fetchedAndOpened}/${r.blobs.fetchesExpected} fetched, hash-checked and opened, ${r.blobs.failed} failed, ${r.blobs.retried} requests sent again after a broken connection`,
    `relay RSS: start ${mib(r.relayRss.start)}, peak ${mib(r.relayRss.peak)}, end ${mib(r.relayRss.end)}; late joiner caught up: ${r.lateJoinerCaughtUp}`,
    ...(r.phases.length > 1 ? r.phases.map(describePhase) : []),
    ...(r.attack ? [describeAttack(r.attack), `drive-by entries in the devices' boxes: ${r.foreignEntries}`] : []),
  ].join('\n');
}

function describePhase(p: PhaseReport): string {
  return `${p.name}: ${p.notesPerSecond.toFixed(0)} updates/s, delivery p50 ${p.latencyMs.p50.toFixed(1)} ms, p95 ${p.latencyMs.p95.toFixed(1)} ms, relay RSS peak ${(p.relayRssPeak / 2 ** 20).toFixed(0)} MiB, lost ${p.lost} of ${p.deliveriesExpected}`;
}
