import * as Y from 'yjs';
import { generateSigningKeyPair, newKeyId, randomNotebookKey, toBase64Url, type NotebookKey } from '../../crypto/index.ts';
import { createNote } from '../../sync/notebook/notes.ts';
import { presenceKey } from '../../sync/replication/presence-seal.ts';
import { replicateBox, type Replication } from '../../sync/replication/replicate-box.ts';
import { createKeyring } from '../../sync/sealed/keyring.ts';
import { SealedDoc } from '../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../sync/sealed/writer.ts';
import { deriveRoomId, deriveRoomPassword } from '../../sync/transport/derive-room-id.ts';
import { testPresence } from './test-presence.ts';
import { nodeWrtc } from './node-wrtc.ts';

/** This process's device of a WebRTC-only test: one fresh notebook holding one note titled `title`. */
export interface SealedWebrtcDevice {
  readonly notebookKey: NotebookKey;
  readonly plain: Y.Doc;
  readonly sealed: SealedDoc;
  readonly replication: Replication;
  /** The environment of webrtc-device.ts for the other device of the notebook. */
  childEnv(child: { signalingUrl: string; title: string; waitFor: string; deviceName: string }): Record<string, string>;
  destroy(): void;
}

export function sealedWebrtcDevice(notebookId: string, title: string, signalingUrl: string): SealedWebrtcDevice {
  const notebookKey = randomNotebookKey();
  const keyId = newKeyId();
  const keyring = createKeyring(new Map([[keyId, notebookKey]]), keyId);
  const plain = new Y.Doc();
  const box = new Y.Doc();
  const sealed = new SealedDoc({ docId: notebookId, plain, box, keyring, writer: newWriter(generateSigningKeyPair()) });
  createNote(plain, { title });
  sealed.flush();
  const roomId = deriveRoomId(notebookKey, notebookId);
  const replication = replicateBox({
    box,
    roomId,
    password: deriveRoomPassword(notebookKey, notebookId),
    settings: { signalingUrls: [signalingUrl], iceServers: [] },
    wrtc: nodeWrtc,
    presence: testPresence(presenceKey(notebookKey, roomId), 'test-id', 'test-device'),
  });
  return {
    notebookKey, plain, sealed, replication,
    childEnv: (child) => ({
      OBSCURA_KEY: toBase64Url(notebookKey),
      OBSCURA_KEY_ID: keyId,
      OBSCURA_NOTEBOOK: notebookId,
      OBSCURA_SIGNAL: child.signalingUrl,
      OBSCURA_TITLE: child.title,
      OBSCURA_WAIT_FOR: child.waitFor,
      OBSCURA_DEVICE_NAME: child.deviceName,
    }),
    destroy() {
      replication.destroy();
      sealed.destroy();
    },
  };
}
