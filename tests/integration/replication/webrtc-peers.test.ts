import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { generateSigningKeyPair, newKeyId, randomNotebookKey, toBase64Url } from '../../../crypto/index.ts';
import { createNote, readNotes } from '../../../sync/notebook/notes.ts';
import { replicateBox } from '../../../sync/replication/replicate-box.ts';
import { createKeyring } from '../../../sync/sealed/keyring.ts';
import { SealedDoc } from '../../../sync/sealed/sealed-doc.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import { until } from '../relay/relay-harness.ts';
import { nodeWrtc } from '../transport/peer-pair.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { spawnDevice } from '../../helpers/spawn-device.ts';
import { presenceKey } from '../../../sync/replication/presence-seal.ts';
import { testPresence } from '../../helpers/test-presence.ts';

const MINE = 'heron-canary-from-test';
const THEIRS = 'ibis-canary-from-child';
const CHILD_NAME = 'kestrel-canary-device';

const signalingFrames: Uint8Array[] = [];
const relay = relayForSuite({ observeFrames: (server, frame) => void (server === 'signaling' && signalingFrames.push(frame)), globalWebSocket: true });

describe('replicateBox over WebRTC between two processes', () => {
  it('syncs sealed notes peer to peer with no relay, counts the peer, shows its sealed presence; signaling sees no plaintext', async () => {
    const notebookKey = randomNotebookKey();
    const keyId = newKeyId();
    const keyring = createKeyring(new Map([[keyId, notebookKey]]), keyId);
    const plain = new Y.Doc();
    const box = new Y.Doc();
    const sealed = new SealedDoc({ docId: 'nb-p2p', plain, box, keyring, writer: newWriter(generateSigningKeyPair()) });
    createNote(plain, { title: MINE });
    sealed.flush();
    const replication = replicateBox({
      box,
      roomId: deriveRoomId(notebookKey, 'nb-p2p'),
      password: deriveRoomPassword(notebookKey, 'nb-p2p'),
      settings: { signalingUrls: [relay.signalingUrl], iceServers: [] },
      wrtc: nodeWrtc,
      presence: testPresence(presenceKey(notebookKey, deriveRoomId(notebookKey, 'nb-p2p')), 'test-id', 'test-device'),
    });
    // Announced first, so the child joins an announced room (y-webrtc's glare weakness, PROTOCOL.md).
    await vi.waitFor(() => expect(relay.signaling.connectionCount).toBe(1));

    const { child, out, err, exited } = spawnDevice(new URL('./webrtc-device.ts', import.meta.url), {
      OBSCURA_KEY: toBase64Url(notebookKey),
      OBSCURA_KEY_ID: keyId,
      OBSCURA_NOTEBOOK: 'nb-p2p',
      OBSCURA_SIGNAL: relay.signalingUrl,
      OBSCURA_TITLE: THEIRS,
      OBSCURA_WAIT_FOR: MINE,
      OBSCURA_DEVICE_NAME: CHILD_NAME,
    });
    try {
      await until(plain, () => readNotes(plain).some((note) => note.title === THEIRS));
      await vi.waitFor(() => expect(replication.status().peers).toBe(1), { timeout: 10_000 });
      expect(replication.status().lastSyncAt).toBeGreaterThan(0);
      expect(replication.status().relay).toBe('offline');
      await vi.waitFor(() => expect(replication.onlineDevices().map((d) => d.deviceName)).toEqual(['test-device', CHILD_NAME]), { timeout: 10_000 });
      await vi.waitFor(() => expect(out()).toContain('"peers":1'), { timeout: 10_000 });
      const report = JSON.parse(out().trim()) as { online: string[]; quarantined: number };
      expect(report.online.sort()).toEqual([CHILD_NAME, 'test-device'].sort());
      expect(report.quarantined).toBe(0);
      expect(sealed.quarantine.size).toBe(0);

      child.stdin.end();
      expect(await exited).toBe(0);
      await vi.waitFor(() => expect(replication.status().peers).toBe(0), { timeout: 10_000 });
      const sent = Buffer.concat(signalingFrames);
      for (const marker of [MINE, THEIRS, CHILD_NAME, 'nb-p2p']) expect({ marker, found: sent.includes(marker) }).toEqual({ marker, found: false });
    } catch (error) {
      throw new Error(`${String(error)}\nchild stderr: ${err()}`);
    } finally {
      child.kill();
      replication.destroy();
      sealed.destroy();
    }
  });
});
