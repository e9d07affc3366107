/**
 * The new device of the P2P bench, in its own Node process: @roamhq/wrtc keeps a process
 * alive after its connections close, so the bench process itself never loads it. Joins
 * the room over WebRTC only with an empty box, prints {"ms"} once all `OBSCURA_NOTES`
 * notes are readable, and exits.
 */
import wrtc from '@roamhq/wrtc';
import * as Y from 'yjs';
import { asNotebookKey, fromBase64Url, generateSigningKeyPair, sodiumReady } from '../../../crypto/index.ts';
import { notesMap } from '../../../sync/notebook/notes.ts';
import { replicateBox } from '../../../sync/replication/replicate-box.ts';
import { createKeyring } from '../../../sync/sealed/keyring.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import { until } from '../../integration/relay/relay-harness.ts';

// y-webrtc's signaling client uses the global WebSocket, which Node 20 lacks.
Object.assign(globalThis, { WebSocket });
await sodiumReady();
const env = (name: string) => process.env[name] ?? '';
const keyBytes = fromBase64Url(env('OBSCURA_KEY'));
if (!keyBytes.ok) throw new Error('OBSCURA_KEY is not base64url');
const notebookKey = asNotebookKey(keyBytes.value);
const keyring = createKeyring(new Map([[env('OBSCURA_KEY_ID'), notebookKey]]), env('OBSCURA_KEY_ID'));
const count = Number(env('OBSCURA_NOTES'));

const plain = new Y.Doc();
const box = new Y.Doc();
const start = performance.now();
const sealed = new SealedDoc({ docId: 'bench-sync', plain, box, keyring, writer: newWriter(generateSigningKeyPair()) });
const replication = replicateBox({
  box,
  roomId: deriveRoomId(notebookKey, 'bench-p2p'),
  password: deriveRoomPassword(notebookKey, 'bench-p2p'),
  settings: { signalingUrls: [env('OBSCURA_SIGNAL')], iceServers: [] },
  wrtc,
});
setTimeout(() => {
  console.error(`p2p joiner: ${notesMap(plain).size} of ${count} notes after 120 s`);
  process.exit(1);
}, 120_000);
await until(plain, () => notesMap(plain).size === count);
const ms = performance.now() - start;
console.log(JSON.stringify({ ms, quarantined: sealed.quarantine.size }));
replication.destroy();
sealed.destroy();
process.exit(0);
