import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it, vi } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { randomNotebookKey } from '../../../crypto/index.ts';
import type { WrtcImplementation } from '../../../sync/transport/chunking-wrtc.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import { connectWebrtc } from '../../../sync/transport/webrtc-transport.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { chunkedNodeWrtc, nodeWrtc } from '../transport/peer-pair.ts';
import { afterTest } from './hostile-peer.ts';
import { signalingPeer } from './hostile-signaling.ts';

const relay = relayForSuite({ globalWebSocket: true });

/** @roamhq/wrtc, counting the RTCPeerConnections made through it that are not closed. */
function countingWrtc(): { wrtc: WrtcImplementation; live: () => number } {
  const made: RTCPeerConnection[] = [];
  const RTCPeerConnection = new Proxy(nodeWrtc.RTCPeerConnection, {
    construct(target, args: unknown[]) {
      const pc = Reflect.construct(target, args) as RTCPeerConnection;
      made.push(pc);
      return pc;
    },
  });
  return { wrtc: { ...nodeWrtc, RTCPeerConnection }, live: () => made.filter((pc) => pc.signalingState !== 'closed').length };
}

/**
 * Issue 18 §2, the connection cap: y-webrtc limits the connections it starts (maxConns) but
 * answers every offer made to it, and a signal for a peer id it does not know makes a
 * connection that waits for an offer forever. Anyone with the room password could make a
 * victim hold any number of RTCPeerConnections. Bounds: at most 16 per room, offers made to
 * us included, and a connection not up within 30 s is closed, so slots come back.
 */
describe('attack: offers and stray signals under made-up peer ids', () => {
  it('20 connected peers, 10 vanished offers and 10 stray candidates hold at most 16 connections; once they are gone an honest peer connects and syncs', async () => {
    const notebookKey = randomNotebookKey();
    const roomId = deriveRoomId(notebookKey, 'nb-offers');
    const password = deriveRoomPassword(notebookKey, 'nb-offers');
    const hostile = await signalingPeer(relay.signalingUrl, roomId, password);
    const box = new Y.Doc();
    box.getMap('entries').set('w/1', new Uint8Array([1, 2, 3]));
    const counting = countingWrtc();
    const victim = connectWebrtc({ box, roomId, password, signalingUrls: [relay.signalingUrl], iceServers: [], wrtc: counting.wrtc });
    afterTest(() => victim.destroy());
    let peak = 0;
    const sampler = setInterval(() => void (peak = Math.max(peak, counting.live())), 10);
    afterTest(() => clearInterval(sampler));
    await hostile.victimId();

    const connected = Array.from({ length: 20 }, (_, i) => hostile.offer(`flood-${i}`, chunkedNodeWrtc()));
    // 10 offers whose sender vanishes once the offer is out, and 10 lone ICE candidates
    // under peer ids the victim never heard of (each makes a connection that waits for an offer).
    for (let i = 0; i < 10; i++) {
      const ghost = hostile.offer(`ghost-${i}`, nodeWrtc).peer;
      ghost.on('signal', () => setTimeout(() => ghost.destroy(), 50));
      await hostile.signal(`stray-${i}`, { candidate: { candidate: 'candidate:1 1 udp 1 192.0.2.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } });
    }
    await Promise.allSettled(connected.map((offer) => Promise.race([offer.connected, new Promise((resolve) => setTimeout(resolve, 5_000))])));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    console.log(`offer flood: at most ${peak} of the victim's connections open at once; ${counting.live()} now`);
    expect(peak).toBeLessThanOrEqual(16);

    connected.forEach((offer) => offer.peer.destroy());
    const started = performance.now();
    const honestDoc = new Y.Doc();
    const honest = hostile.offer('honest', chunkedNodeWrtc());
    honest.peer.on('data', (data: Uint8Array) => {
      const decoder = decoding.createDecoder(data);
      if (decoding.readVarUint(decoder) === 0) syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), honestDoc, 'victim');
    });
    await vi.waitFor(() => expect(honest.peer.connected).toBe(true), { timeout: 45_000, interval: 200 });
    const step1 = encoding.createEncoder();
    encoding.writeVarUint(step1, 0);
    syncProtocol.writeSyncStep1(step1, honestDoc);
    honest.peer.send(encoding.toUint8Array(step1));
    await vi.waitFor(() => expect(honestDoc.getMap('entries').get('w/1')).toEqual(new Uint8Array([1, 2, 3])));
    console.log(`the honest peer synced ${((performance.now() - started) / 1000).toFixed(1)} s after the flood ended`);
  }, 90_000);

  it('lone candidates that fill every slot are closed after the connect deadline, and the slots come back', async () => {
    const notebookKey = randomNotebookKey();
    const roomId = deriveRoomId(notebookKey, 'nb-strays');
    const password = deriveRoomPassword(notebookKey, 'nb-strays');
    const hostile = await signalingPeer(relay.signalingUrl, roomId, password);
    const counting = countingWrtc();
    const victim = connectWebrtc({ box: new Y.Doc(), roomId, password, signalingUrls: [relay.signalingUrl], iceServers: [], wrtc: counting.wrtc, maxPeers: 4, connectDeadlineMs: 1_000 });
    afterTest(() => victim.destroy());
    await hostile.victimId();
    for (let i = 0; i < 6; i++) await hostile.signal(`stray-${i}`, { candidate: { candidate: 'candidate:1 1 udp 1 192.0.2.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } });
    await vi.waitFor(() => expect(counting.live()).toBe(4));
    const started = performance.now();
    await vi.waitFor(() => expect(counting.live()).toBe(0), { timeout: 5_000 });
    console.log(`4 stray connections closed ${((performance.now() - started) / 1000).toFixed(1)} s after they filled the slots (deadline 1 s)`);
    const honest = hostile.offer('honest', chunkedNodeWrtc());
    await honest.connected;
    expect(counting.live()).toBe(1);
  });
});
