import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it, vi } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { randomNotebookKey } from '../../../crypto/index.ts';
import { FRAME_WHOLE } from '../../../sync/transport/chunk-frames.ts';
import { ChunkedDataChannel } from '../../../sync/transport/chunked-data-channel.ts';
import type { ChannelDrop } from '../../../sync/transport/chunking-options.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import { PeerByteBudget } from '../../../sync/transport/peer-byte-budget.ts';
import { connectWebrtc } from '../../../sync/transport/webrtc-transport.ts';
import { KiB, MiB } from '../blob-sync/blob-sync-harness.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { chunkedNodeWrtc, nodeWrtc, patterned } from '../transport/peer-pair.ts';
import { afterTest } from './hostile-peer.ts';
import { signalingPeer } from './hostile-signaling.ts';

const relay = relayForSuite({ globalWebSocket: true });

/** y-webrtc's sync step 1 for an empty doc: "send me everything you have". */
function syncStep1(): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  syncProtocol.writeSyncStep1(encoder, new Y.Doc());
  return encoding.toUint8Array(encoder);
}

/**
 * Issue 18 §2, the send queue: y-webrtc answers every sync step 1 with the whole box the
 * asker lacks, and its channel queued whatever it was given. A peer that sends 50 of them
 * (3 bytes each) made a victim with a 4 MiB box queue 200 MiB. Bound: what the victim holds
 * to send to one peer is the message in flight plus 16 MiB behind it; past that the peer is
 * dropped (E_SEND_QUEUE_FULL) and the others keep syncing.
 */
describe('attack: sync requests that make the victim queue its box again and again', () => {
  it('E_SEND_QUEUE_FULL: 50 sync step 1 messages leave under 24 MiB queued, drop that peer, and an honest peer still gets the whole box', async () => {
    const notebookKey = randomNotebookKey();
    const roomId = deriveRoomId(notebookKey, 'nb-flood');
    const password = deriveRoomPassword(notebookKey, 'nb-flood');
    const hostile = await signalingPeer(relay.signalingUrl, roomId, password);

    const box = new Y.Doc();
    box.transact(() => {
      for (let i = 0; i < 64; i++) box.getMap('entries').set(`w/${i + 1}`, patterned(64 * KiB, i));
    });
    const channels: ChunkedDataChannel[] = [];
    const drops: ChannelDrop[] = [];
    const budget = new PeerByteBudget();
    const victim = connectWebrtc({
      box,
      roomId,
      password,
      signalingUrls: [relay.signalingUrl],
      iceServers: [],
      wrtc: nodeWrtc,
      chunking: { budget, onLaneChannel: (channel) => void (channel instanceof ChunkedDataChannel && channels.push(channel)), onDrop: (drop) => void drops.push(drop) },
    });
    afterTest(() => victim.destroy());
    let peak = 0;
    const queued = () => channels.reduce((sum, channel) => sum + (channel.readyState === 'open' ? channel.bufferedAmount : 0), 0);
    const sampler = setInterval(() => void (peak = Math.max(peak, queued())), 2);
    afterTest(() => clearInterval(sampler));

    const flooder = hostile.offer('flooder', nodeWrtc);
    await flooder.connected;
    const step1 = syncStep1();
    for (let i = 0; i < 50; i++) flooder.peer.send(new Uint8Array([FRAME_WHOLE, ...step1]));

    const honestDoc = new Y.Doc();
    const honest = hostile.offer('honest', chunkedNodeWrtc());
    honest.peer.on('data', (data: Uint8Array) => {
      const decoder = decoding.createDecoder(data);
      if (decoding.readVarUint(decoder) === 0) syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), honestDoc, 'victim');
    });
    await honest.connected;
    honest.peer.send(step1);
    await vi.waitFor(() => expect(honestDoc.getMap('entries').size).toBe(64), { timeout: 20_000 });
    await vi.waitFor(() => expect(queued()).toBe(0), { timeout: 20_000 });

    console.log(`sync flood: peak queued ${(peak / MiB).toFixed(1)} MiB (sampled), ${(budget.peakBytes / MiB).toFixed(1)} MiB held at most (budget); drops ${JSON.stringify(drops.map((d) => d.code))}`);
    expect(peak).toBeLessThan(24 * MiB);
    expect(budget.peakBytes).toBeLessThan(24 * MiB);
    expect(drops.map((drop) => drop.code)).toEqual(['E_SEND_QUEUE_FULL']);
  });
});
