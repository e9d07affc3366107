/**
 * A second device in its own Node process, because two y-webrtc providers for one room
 * cannot live in one process (ARCHITECTURE §4). It replicates over WebRTC only (no relay),
 * writes one note, and prints one JSON line once it has the note `OBSCURA_WAIT_FOR`, a peer
 * and that peer's presence; it stays in the room until its stdin closes. Run by webrtc-peers.test.ts.
 */
import wrtc from '@roamhq/wrtc';
import * as Y from 'yjs';
import { generateSigningKeyPair } from '../../../crypto/index.ts';
import { createNote, readNotes } from '../../../sync/notebook/notes.ts';
import { replicateBox } from '../../../sync/replication/replicate-box.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import { childDevice, env } from '../../helpers/child-device.ts';
import { presenceKey } from '../../../sync/replication/presence-seal.ts';
import { testPresence } from '../../helpers/test-presence.ts';

const { notebookKey, keyring } = await childDevice();
const notebookId = env('OBSCURA_NOTEBOOK');

const plain = new Y.Doc();
const box = new Y.Doc();
const sealed = new SealedDoc({ docId: notebookId, plain, box, keyring, writer: newWriter(generateSigningKeyPair()) });
createNote(plain, { title: env('OBSCURA_TITLE') });
sealed.flush();
const replication = replicateBox({
  box,
  roomId: deriveRoomId(notebookKey, notebookId),
  password: deriveRoomPassword(notebookKey, notebookId),
  settings: { signalingUrls: [env('OBSCURA_SIGNAL')], iceServers: [] },
  wrtc,
  presence: testPresence(presenceKey(notebookKey, deriveRoomId(notebookKey, notebookId)), 'child-id', env('OBSCURA_DEVICE_NAME')),
});

let reported = false;
const report = () => {
  const hasNote = readNotes(plain).some((note) => note.title === env('OBSCURA_WAIT_FOR'));
  const names = replication.onlineDevices().map((device) => device.deviceName);
  // The note, the peer and the peer's presence arrive in separate messages, in any order.
  if (reported || !hasNote || replication.status().peers === 0 || names.length < 2) return;
  reported = true;
  console.log(JSON.stringify({ status: replication.status(), online: names, quarantined: sealed.quarantine.size }));
};
plain.on('afterTransaction', report);
replication.onStatus(report);
replication.onPresence(report);
process.stdin.resume();
process.stdin.on('end', () => {
  replication.destroy();
  sealed.destroy();
  // Let the data channels' close reach the peer; exiting at once would leave it to time out.
  setTimeout(() => process.exit(0), 500);
});
setTimeout(() => process.exit(3), 60_000);
