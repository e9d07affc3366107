import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelDrop } from '../../../sync/transport/chunking-options.ts';
import { chunkedNodeWrtc, connectPair, nodeWrtc, patterned, sameBytes, within, type Endpoint } from './peer-pair.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const open: Endpoint[] = [];

async function pair(...args: Parameters<typeof connectPair>): Promise<[Endpoint, Endpoint]> {
  const endpoints = await connectPair(...args);
  open.push(...endpoints);
  return endpoints;
}

afterEach(() => {
  for (const endpoint of open.splice(0)) endpoint.peer.destroy();
});

describe('ChunkedDataChannel over @roamhq/wrtc (simple-peer as y-webrtc runs it)', () => {
  it('delivers 1 KiB, 300 KiB, 3 MiB and 20 MiB intact and in order, between small messages, both ways', async () => {
    // 24 MiB handed over at once: more than the 16 MiB a channel queues behind the message in
    // flight by default (E_SEND_QUEUE_FULL), so this sender allows more.
    const [a, b] = await pair(chunkedNodeWrtc({ maxQueuedBytes: 32 * MiB }), chunkedNodeWrtc());
    // No empty message: simple-peer is a byte stream and drops zero-length reads (and y-webrtc never sends one).
    const sizes = [1 * KiB, 17, 300 * KiB, 1, 3 * MiB, 2, 20 * MiB, 5, 1 * KiB];
    const messages = sizes.map((size, i) => patterned(size, i + 1));
    const started = performance.now();
    for (const message of messages) a.peer.send(message);
    b.peer.send(patterned(3 * MiB, 99)); // the other way at the same time
    const got = await within(b.receivedCount(messages.length), 20_000, 'a -> b');
    const seconds = (performance.now() - started) / 1000;
    expect(got.map((m) => m.length)).toEqual(sizes);
    messages.forEach((message, i) => expect(sameBytes(got[i]!, message), `message ${i} (${sizes[i]} bytes)`).toBe(true));
    const back = await within(a.receivedCount(1), 5_000, 'b -> a');
    expect(sameBytes(back[0]!, patterned(3 * MiB, 99))).toBe(true);
    const total = sizes.reduce((sum, n) => sum + n, 0);
    console.log(`chunked over @roamhq/wrtc: ${(total / MiB).toFixed(1)} MiB in ${seconds.toFixed(2)} s = ${(total / MiB / seconds).toFixed(1)} MiB/s`);
  });

  it('drops only the peer that sends a malformed frame (E_FRAME_TYPE); the others keep syncing', async () => {
    const drops: ChannelDrop[] = [];
    const hub = chunkedNodeWrtc({ onDrop: (drop) => drops.push(drop) });
    const [hubToGood, good] = await pair(hub, chunkedNodeWrtc());
    // The bad peer runs no framing: what plain y-webrtc sends first (a sync step 1 header)
    // reaches the hub as a frame of an unknown type.
    const [hubToBad, bad] = await pair(hub, nodeWrtc);
    bad.peer.send(new Uint8Array([0x00, 0x00, 0x01, 0x00]));
    await within(hubToBad.closed, 10_000, 'bad peer dropped');
    await within(bad.closed, 10_000, 'bad peer sees the close');
    expect(drops.map((d) => d.code)).toEqual(['E_FRAME_TYPE']);
    expect(hubToBad.received).toEqual([]);

    good.peer.send(patterned(300 * KiB, 7));
    hubToGood.peer.send(patterned(2 * KiB, 8));
    const [fromGood] = await within(hubToGood.receivedCount(1), 10_000, 'good -> hub');
    const [fromHub] = await within(good.receivedCount(1), 10_000, 'hub -> good');
    expect(sameBytes(fromGood!, patterned(300 * KiB, 7))).toBe(true);
    expect(sameBytes(fromHub!, patterned(2 * KiB, 8))).toBe(true);
    expect(hubToGood.peer.connected && good.peer.connected).toBe(true);
  });

  it('a text frame drops the peer too (E_FRAME_NOT_BINARY), without throwing into simple-peer', async () => {
    const drops: ChannelDrop[] = [];
    const [receiver, sender] = await pair(chunkedNodeWrtc({ onDrop: (drop) => drops.push(drop) }), nodeWrtc);
    sender.peer.send('hello');
    await within(receiver.closed, 10_000, 'text sender dropped');
    expect(drops.map((d) => d.code)).toEqual(['E_FRAME_NOT_BINARY']);
  });

  it('holds the reassembly bound: a message announced over it drops the peer before anything is buffered', async () => {
    const drops: ChannelDrop[] = [];
    const [receiver, sender] = await pair(chunkedNodeWrtc({ maxMessageBytes: 1 * MiB, onDrop: (drop) => drops.push(drop) }), chunkedNodeWrtc());
    sender.peer.send(patterned(1 * MiB, 1)); // exactly the bound: fine
    await within(receiver.receivedCount(1), 10_000, 'message at the bound');
    sender.peer.send(patterned(1 * MiB + 1, 2));
    await within(receiver.closed, 10_000, 'oversized sender dropped');
    expect(drops.map((d) => d.code)).toEqual(['E_MESSAGE_TOO_LARGE']);
    expect(receiver.received).toHaveLength(1);
  });

  it('refuses to send past its own bound, as a real channel refuses an oversized message', async () => {
    const [a] = await pair(chunkedNodeWrtc({ maxMessageBytes: 64 * KiB }), chunkedNodeWrtc());
    expect(() => a.peer.send(new Uint8Array(64 * KiB + 1))).toThrow(/exceeds the 65536-byte bound/);
    expect(() => a.peer.send('text')).toThrow(/binary messages only/);
    expect(a.peer.connected).toBe(true);
  });
});

describe('chunkingWrtc', () => {
  it('hands out wrapped channels only through ondatachannel: addEventListener(\'datachannel\') throws', () => {
    const pc = new (chunkedNodeWrtc().RTCPeerConnection)({ iceServers: [] });
    try {
      expect(() => pc.addEventListener('datachannel', () => {})).toThrow(/use ondatachannel/);
      expect(() => pc.addEventListener('icecandidate', () => {})).not.toThrow();
      expect(pc.createDataChannel('x').constructor.name).toBe('ChunkedDataChannel');
    } finally {
      pc.close();
    }
  });
});

describe('@roamhq/wrtc without the framing', () => {
  it('carries 256 KiB but not 300 KiB: the oversized send closes the connection and nothing arrives', async () => {
    const [a, b] = await pair(nodeWrtc, nodeWrtc);
    a.peer.send(patterned(256 * KiB, 1));
    await within(b.receivedCount(1), 10_000, '256 KiB');
    a.peer.send(patterned(300 * KiB, 2));
    await within(b.closed, 10_000, 'connection closed by the oversized send');
    expect(b.received.map((m) => m.length)).toEqual([256 * KiB]);
  });
});
