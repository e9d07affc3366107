/**
 * The hostile half of `npm run bench -- relay-load`: clients that try to exhaust or deface
 * the relay while honest devices use it (sync/server/RELAY.md "Limits"), each from its own
 * loopback address (127.0.0.2-5) so the per-address cap meets them and not the devices:
 * - room flood: registers write policies for fresh room ids (a policy is how a room starts
 *   when writes need a capability) until the relay's room cap answers 507;
 * - tiny structs: in 12 rooms it owns (and keeps loaded), frames of 10,000 one-byte entries
 *   until the per-room struct quota (4507) or the memory budget for loaded rooms (4503)
 *   stops it, and every fifth round frames of Y.Text (4400);
 * - connection flood: as many relay sockets from one address as it is given (429 past 64);
 * - drive-by writes: sockets without a capability into the honest rooms, sending entries
 *   and awareness, and blob PUTs without one (403); none of it may reach a device.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { contentHash, generateSigningKeyPair, randomBytes, type SigningKeyPair } from '../../../crypto/index.ts';
import { signCapStatement } from '../../../sync/relay-cap/cap-statement.ts';
import { signWriteToken } from '../../../sync/relay-cap/write-token.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { authFrame, withRoom } from '../../integration/relay/room-socket.ts';

export interface AttackTargets {
  readonly relayUrl: string;
  readonly blobsUrl: string;
  readonly capsUrl: string;
  /** Rooms of the honest devices: ids known to the attacker, write keys not. */
  readonly honestRooms: readonly string[];
}

export interface AttackReport {
  roomsRegistered: number;
  roomsRefused: number;
  tinyStructsSent: number;
  tinyFramesRefused: Record<string, number>;
  floodAccepted: number;
  floodRefused: Record<string, number>;
  driveByFrames: number;
  driveByBlobsRefused: number;
  driveByBlobsStored: number;
}

const ADDRESSES = { rooms: '127.0.0.2', structs: '127.0.0.3', flood: '127.0.0.4', driveBy: '127.0.0.5' } as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bump = (counts: Record<string, number>, key: string) => void (counts[key] = (counts[key] ?? 0) + 1);

function randomRoomId(): string {
  return Buffer.from(randomBytes(24)).toString('base64url');
}

function frame(type: number, write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, type);
  write(e);
  return encoding.toUint8Array(e);
}

const updateFrame = (update: Uint8Array) => frame(0, (e) => (encoding.writeVarUint(e, 2), encoding.writeVarUint8Array(e, update)));
const stepOne = () => frame(0, (e) => (encoding.writeVarUint(e, 0), encoding.writeVarUint8Array(e, Y.encodeStateVector(new Y.Doc()))));

function awarenessFrame(clientId: number): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, 1);
  encoding.writeVarUint(update, clientId);
  encoding.writeVarUint(update, 1);
  encoding.writeVarString(update, JSON.stringify({ p: 'drive-by' }));
  return frame(1, (e) => encoding.writeVarUint8Array(e, encoding.toUint8Array(update)));
}

function tinyEntries(count: number, prefix: string): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (let i = 1; i <= count; i++) doc.getMap('entries').set(`${prefix}/${i}`, Uint8Array.of(i & 0xff));
  });
  return Y.encodeStateAsUpdate(doc);
}

function junkText(): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (let i = 0; i < 10_000; i++) doc.getText('t').insert(0, 'x');
  });
  return Y.encodeStateAsUpdate(doc);
}

/** A relay socket with one room opened on it (Hocuspocus: its authentication message first). */
interface RoomSocket {
  readonly ws: WebSocket;
  readonly room: string;
}

/** Opens a socket from `localAddress`, and `room` on it with `token` ('' for none); or says how it was refused. */
async function openRoom(relayUrl: string, room: string, token: string, localAddress: string): Promise<RoomSocket | string> {
  const ws = await connect(relayUrl, localAddress);
  if (typeof ws === 'string') return ws;
  ws.send(authFrame(room, token));
  return { ws, room };
}

/** Opens a socket from `localAddress`; resolves with it once open, or with how it was refused. */
function connect(url: string, localAddress: string): Promise<WebSocket | string> {
  const ws = new WebSocket(url, { localAddress });
  ws.on('error', () => undefined);
  return new Promise((resolve) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (req, res) => {
      req.destroy();
      resolve(`http ${res.statusCode ?? 0}`);
    });
    ws.once('close', (code) => resolve(`closed ${code}`));
  });
}

/** Sends frames in the room then a sync step 1; resolves when the relay answers it (kept) or closes the socket. */
function sendAndWait({ ws, room }: RoomSocket, frames: Uint8Array[]): Promise<string> {
  const prefix = withRoom(room, new Uint8Array()).length;
  return new Promise((resolve) => {
    const onClose = (code: number) => resolve(`closed ${code}`);
    const onMessage = (raw: Buffer) => {
      // A sync step 2 (type 0, step 1) in this room: the answer to our step 1.
      if (raw.length < prefix + 2 || raw[prefix] !== 0 || raw[prefix + 1] !== 1) return;
      ws.off('message', onMessage);
      ws.off('close', onClose);
      resolve('kept');
    };
    ws.once('close', onClose);
    ws.on('message', onMessage);
    for (const f of frames) ws.send(withRoom(room, f));
    ws.send(withRoom(room, stepOne()));
  });
}

async function registerRoom(capsUrl: string, room: string, admin: SigningKeyPair, writer: SigningKeyPair): Promise<number> {
  const response = await fetch(`${capsUrl}/${room}`, { method: 'PUT', body: new Uint8Array(signCapStatement(room, admin, 1, writer.publicKey)) });
  await response.arrayBuffer();
  return response.status;
}

/** Whether every attack has met the relay's answer to it (a refusal, a 429, a closed room). */
export function metEveryCap(r: AttackReport): boolean {
  const structsRefused = (r.tinyFramesRefused['closed 4507'] ?? 0) + (r.tinyFramesRefused['closed 4503'] ?? 0);
  return r.roomsRefused > 0 && (r.floodRefused['http 429'] ?? 0) > 0 && structsRefused > 0 && r.driveByFrames > 0;
}

/** Starts every hostile client; `stop()` ends them and reports what the relay did to them. */
export function startAttack(t: AttackTargets): { report: AttackReport; stop(): Promise<AttackReport> } {
  const report: AttackReport = {
    roomsRegistered: 0,
    roomsRefused: 0,
    tinyStructsSent: 0,
    tinyFramesRefused: {},
    floodAccepted: 0,
    floodRefused: {},
    driveByFrames: 0,
    driveByBlobsRefused: 0,
    driveByBlobsStored: 0,
  };
  let running = true;
  const sockets: WebSocket[] = [];
  const admin = generateSigningKeyPair();
  const writer = generateSigningKeyPair();
  const owned: string[] = [];

  // Three registrations at a time, until the end (refusals slow it down a little).
  const roomFlood = async () => {
    while (running) await Promise.all(Array.from({ length: 3 }, () => registerOne()));
  };
  const registerOne = async () => {
    const room = randomRoomId();
    const status = await registerRoom(t.capsUrl, room, admin, writer).catch(() => 0);
    if (status === 201) {
      report.roomsRegistered++;
      owned.push(room);
    } else {
      report.roomsRefused++;
      await sleep(50);
    }
  };

  const tinyStructs = async () => {
    let round = 0;
    while (running) {
      const room = owned[round % Math.max(1, Math.min(owned.length, 12))];
      round++;
      if (!room) {
        await sleep(100);
        continue;
      }
      const token = () => signWriteToken(room, writer, Date.now());
      // A socket that stays, so the room stays loaded (in memory) after the filler is closed.
      if (round <= 12) {
        const holder = await openRoom(t.relayUrl, room, token(), ADDRESSES.structs);
        if (typeof holder !== 'string') sockets.push(holder.ws);
      }
      const socket = await openRoom(t.relayUrl, room, token(), ADDRESSES.structs);
      if (typeof socket === 'string') {
        bump(report.tinyFramesRefused, socket);
        await sleep(200);
        continue;
      }
      sockets.push(socket.ws);
      for (let i = 0; running; i++) {
        const batch = round % 5 === 0 ? junkText() : tinyEntries(10_000, `t${round}.${i}`);
        const outcome = await sendAndWait(socket, [updateFrame(batch)]);
        if (outcome !== 'kept') {
          bump(report.tinyFramesRefused, outcome);
          break;
        }
        report.tinyStructsSent += 10_000;
      }
      socket.ws.terminate();
    }
  };

  // 200 sockets from one address, 20 at a time, kept open until the end.
  const connectionFlood = async () => {
    for (let batch = 0; running && batch < 10; batch++) {
      const opened = await Promise.all(Array.from({ length: 20 }, () => connect(t.relayUrl, ADDRESSES.flood)));
      for (const ws of opened) {
        if (typeof ws === 'string') bump(report.floodRefused, ws);
        else {
          report.floodAccepted++;
          sockets.push(ws);
        }
      }
    }
  };

  const driveBy = async () => {
    let n = 0;
    while (running) {
      for (const room of t.honestRooms) {
        if (!running) break;
        const socket = await openRoom(t.relayUrl, room, '', ADDRESSES.driveBy);
        if (typeof socket === 'string') continue;
        const defaced = new Y.Doc();
        defaced.getMap('entries').set(`drive.by/${++n}`, randomBytes(64));
        await sendAndWait(socket, [updateFrame(Y.encodeStateAsUpdate(defaced)), awarenessFrame(900_000 + n)]);
        report.driveByFrames += 2;
        socket.ws.terminate();
        const blob = randomBytes(4096);
        const status = await fetch(`${t.blobsUrl}/${room}/${contentHash(blob)}`, { method: 'PUT', body: new Uint8Array(blob) }).then(
          async (r) => (await r.arrayBuffer(), r.status),
          () => 0,
        );
        if (status === 201 || status === 200) report.driveByBlobsStored++;
        else report.driveByBlobsRefused++;
      }
      await sleep(100);
    }
  };

  const tasks = [roomFlood(), tinyStructs(), connectionFlood(), driveBy()];
  return {
    report,
    async stop() {
      running = false;
      await Promise.allSettled(tasks);
      for (const ws of sockets) ws.terminate();
      return report;
    },
  };
}

export function describeAttack(r: AttackReport): string {
  const counts = (c: Record<string, number>) => Object.entries(c).map(([k, n]) => `${k} x${n}`).join(', ') || 'none';
  return [
    `attack: room flood ${r.roomsRegistered} rooms registered, then ${r.roomsRefused} refused`,
    `attack: tiny structs ${r.tinyStructsSent} accepted; frames refused: ${counts(r.tinyFramesRefused)}`,
    `attack: connection flood from one address ${r.floodAccepted} accepted; refused: ${counts(r.floodRefused)}`,
    `attack: drive-by ${r.driveByFrames} update/awareness frames without a capability; blob PUTs ${r.driveByBlobsRefused} refused, ${r.driveByBlobsStored} stored`,
  ].join('\n');
}
