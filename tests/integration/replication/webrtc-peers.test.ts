import { describe, expect, it, vi } from 'vitest';
import { readNotes } from '../../../sync/notebook/notes.ts';
import { until } from '../relay/relay-harness.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { spawnDevice } from '../../helpers/spawn-device.ts';
import { sealedWebrtcDevice } from '../../helpers/sealed-webrtc-device.ts';

const MINE = 'heron-canary-from-test';
const THEIRS = 'ibis-canary-from-child';
const CHILD_NAME = 'kestrel-canary-device';

const signalingFrames: Uint8Array[] = [];
const relay = relayForSuite({ observeFrames: (server, frame) => void (server === 'signaling' && signalingFrames.push(frame)), globalWebSocket: true });

describe('replicateBox over WebRTC between two processes', () => {
  it('syncs sealed notes peer to peer with no relay, counts the peer, shows its sealed presence; signaling sees no plaintext', async () => {
    const device = sealedWebrtcDevice('nb-p2p', MINE, relay.signalingUrl);
    const { plain, sealed, replication } = device;
    // Announced first, so the child joins an announced room (y-webrtc's glare weakness, PROTOCOL.md).
    await vi.waitFor(() => expect(relay.signaling.connectionCount).toBe(1));

    const { child, out, err, exited } = spawnDevice(new URL('./webrtc-device.ts', import.meta.url),
      device.childEnv({ signalingUrl: relay.signalingUrl, title: THEIRS, waitFor: MINE, deviceName: CHILD_NAME }));
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
      device.destroy();
    }
  });
});
