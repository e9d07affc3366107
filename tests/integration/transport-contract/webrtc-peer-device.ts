/**
 * A device of the box transport contract in its own Node process: y-webrtc keeps its rooms in
 * a module-wide map, so two providers for one room cannot share a process. It connects one
 * box to the room in OBSCURA_ROOM / OBSCURA_PASSWORD over the real signaling server in
 * OBSCURA_SIGNAL with the transport under test (webrtcBoxTransport), prints `{"id":0}` once
 * connecting, then answers one JSON line per request line on stdin ({ id, op, ... }).
 */
import { createInterface } from 'node:readline';
import type { Room } from 'y-webrtc';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { webrtcBoxTransport, type WebrtcConnection, type WebrtcRoom } from '../../../sync/replication/webrtc-box-transport.ts';
import { boxMaps } from '../../../sync/sealed/box-layout.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { env } from '../../helpers/child-device.ts';
import { nodeWrtc } from '../../helpers/node-wrtc.ts';
import { arrives, writeEntry } from './box-entries.ts';

Object.assign(globalThis, { WebSocket });
const box = new Y.Doc();
const awareness = new Awareness(box);
const room: WebrtcRoom = { box, awareness, roomId: env('OBSCURA_ROOM'), password: env('OBSCURA_PASSWORD') };
const transport = webrtcBoxTransport({ signalingUrls: [env('OBSCURA_SIGNAL')], iceServers: [], wrtc: nodeWrtc });
let connection: WebrtcConnection | undefined = transport.connect(room);

const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

/** A y-webrtc message of a type no peer speaks: the other side must refuse and count it. */
const GARBAGE = new Uint8Array([42, 1, 2, 3]);

async function answer(request: Record<string, unknown>): Promise<Record<string, unknown>> {
  const key = typeof request.key === 'string' ? request.key : '';
  switch (request.op) {
    case 'write':
      return { key: writeEntry(box) };
    case 'arrives':
      await arrives(box, key, typeof request.ms === 'number' ? request.ms : 20_000, String(request.what));
      return {};
    case 'has':
      return { has: boxMaps(box).entries.has(key) };
    case 'state':
      return { state: Buffer.from(Y.encodeStateAsUpdate(box)).toString('base64') };
    case 'leave':
      connection?.destroy();
      connection = undefined;
      return {};
    case 'rejoin':
      connection ??= transport.connect(room);
      return {};
    case 'garbage': {
      const conns = [...((connection?.origin as Room | null | undefined)?.webrtcConns.values() ?? [])];
      for (const conn of conns) (conn.peer as { send(data: Uint8Array): void }).send(GARBAGE);
      return { sent: conns.length };
    }
    case 'close':
      connection?.destroy();
      awareness.destroy();
      box.destroy();
      setImmediate(() => process.exit(0));
      return {};
    default:
      throw new Error(`unknown op ${String(request.op)}`);
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line) as Record<string, unknown>;
  answer(request).then(
    (reply) => say({ id: request.id, ...reply }),
    (error: unknown) => say({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
// Ready once its signaling connection is open, so a test counting sockets counts it already.
const signalingOpen = () => {
  const room = connection?.origin as Room | null | undefined;
  return room?.provider.signalingConns.every((conn) => conn.connected) === true;
};
const waitForSignaling = setInterval(() => {
  if (!signalingOpen()) return;
  clearInterval(waitForSignaling);
  say({ id: 0 });
}, 20);
