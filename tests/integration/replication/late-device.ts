/**
 * A device in its own process (no shared memory, BroadcastChannel or y-webrtc room
 * registry with the test): opens an empty box, replicates it through the relay only, and
 * prints the notes once `OBSCURA_EXPECT` of them have been opened, as one JSON line.
 * Run by relay-catch-up.test.ts with `node --import tsx`.
 */
import * as Y from 'yjs';
import { asNotebookKey, fromBase64Url, generateSigningKeyPair, sodiumReady } from '../../../crypto/index.ts';
import { readNotes } from '../../../sync/notebook/notes.ts';
import { replicateBox } from '../../../sync/replication/replicate-box.ts';
import { createKeyring } from '../../../sync/sealed/keyring.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';

await sodiumReady();
const env = (name: string) => process.env[name] ?? '';
const keyBytes = fromBase64Url(env('OBSCURA_KEY'));
if (!keyBytes.ok) throw new Error('OBSCURA_KEY is not base64url');
const notebookKey = asNotebookKey(keyBytes.value);
const notebookId = env('OBSCURA_NOTEBOOK');
const expected = Number(env('OBSCURA_EXPECT'));

const plain = new Y.Doc();
const box = new Y.Doc();
const keyring = createKeyring(new Map([[env('OBSCURA_KEY_ID'), notebookKey]]), env('OBSCURA_KEY_ID'));
const sealed = new SealedDoc({ docId: notebookId, plain, box, keyring, writer: newWriter(generateSigningKeyPair()) });
const replication = replicateBox({
  box,
  roomId: deriveRoomId(notebookKey, notebookId),
  password: deriveRoomPassword(notebookKey, notebookId),
  settings: { signalingUrls: [], relayUrl: env('OBSCURA_RELAY'), iceServers: [] },
  WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
});

const started = Date.now();
const done = () => {
  const notes = readNotes(plain);
  if (notes.length < expected) return;
  plain.off('afterTransaction', done);
  console.log(JSON.stringify({
    notes: notes.map((note) => ({ title: note.title, body: note.body })),
    quarantined: sealed.quarantine.size,
    relay: replication.status().relay,
    lastSyncAt: replication.status().lastSyncAt,
    ms: Date.now() - started,
  }));
  replication.destroy();
  sealed.destroy();
  process.exit(0);
};
plain.on('afterTransaction', done);
setTimeout(() => {
  console.error(`late device: only ${readNotes(plain).length} of ${expected} notes after 20 s`);
  process.exit(1);
}, 20_000);
