import { beforeAll, describe, expect, it, vi } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { DEFAULT_FRAME_BYTES, DEFAULT_MAX_MESSAGE_BYTES, FRAME_FIRST, FRAME_NEXT } from '../../../sync/transport/chunk-frames.ts';
import type { ChannelDrop } from '../../../sync/transport/chunking-options.ts';
import { KiB, MiB, putPhoto, readPhoto } from '../blob-sync/blob-sync-harness.ts';
import { sameBytes, within } from '../transport/peer-pair.ts';
import { honestDevice, lanePeer, rawPeer, sleep, victim } from './hostile-peer.ts';

beforeAll(sodiumReady);

/** A FIRST frame announcing `total` bytes and carrying `data` of them. */
function firstFrame(total: number, data: number): Uint8Array {
  const frame = new Uint8Array(5 + data).fill(0x5a);
  frame[0] = FRAME_FIRST;
  new DataView(frame.buffer).setUint32(1, total);
  return frame;
}

const arrayBuffers = () => process.memoryUsage().arrayBuffers;

/**
 * Issue 18 §2, pre-allocation: the reassembler allocated a message's announced total at its
 * first frame and waited for the rest forever. One 6-byte frame cost 64 MiB for good; 32
 * peers, 2 GiB. Bounds: the victim holds what arrived, not what was announced; a message
 * with no frame for 10 s is dropped (E_FRAME_TIMEOUT); and all channels of the page together
 * hold at most 128 MiB for peers, the biggest holder going first (E_PEER_BUDGET).
 */
describe('attack: messages announced big and never finished', () => {
  it('E_FRAME_TIMEOUT: a 6-byte FIRST frame from each of 4 peers costs the victim under 4 MiB, each is dropped within 15 s, and an honest peer still gets the photo', async () => {
    const drops: ChannelDrop[] = [];
    const target = victim({ chunking: { onDrop: (drop) => void drops.push(drop) } });
    const photo = await putPhoto(target.store, 41, 1536 * KiB);
    const hostiles = await Promise.all([1, 2, 3, 4].map(() => rawPeer(target)));
    const honest = honestDevice(await lanePeer(target));
    await vi.waitFor(() => expect(target.channels).toHaveLength(5));

    const before = arrayBuffers();
    const started = performance.now();
    for (const hostile of hostiles) hostile.sendFrame(firstFrame(DEFAULT_MAX_MESSAGE_BYTES, 1));
    await sleep(500);
    const held = arrayBuffers() - before;
    console.log(`4 announced ${DEFAULT_MAX_MESSAGE_BYTES / MiB} MiB messages: the victim's ArrayBuffers grew by ${(held / MiB).toFixed(1)} MiB`);
    expect(held).toBeLessThan(4 * MiB);
    expect(target.budget.heldBytes).toBe(4);

    expect(await honest.blobs.want(photo.photo.id, 'photo')).toEqual({ ok: true, value: undefined });
    expect(sameBytes((await readPhoto(honest.store, photo, 41))!, photo.plain)).toBe(true);
    await within(Promise.all(hostiles.map((hostile) => hostile.endpoint.closed)), 15_000, 'unfinished messages dropped');
    console.log(`dropped after ${((performance.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(drops.map((d) => d.code))}`);
    expect(drops.map((drop) => drop.code)).toEqual(['E_FRAME_TIMEOUT', 'E_FRAME_TIMEOUT', 'E_FRAME_TIMEOUT', 'E_FRAME_TIMEOUT']);
  });

  it('E_PEER_BUDGET: 3 peers each sending 48 MiB of a 64 MiB message pass the page\'s 128 MiB budget: the biggest holder is dropped, and an honest peer still gets the photo', async () => {
    const drops: ChannelDrop[] = [];
    const target = victim({ chunking: { onDrop: (drop) => void drops.push(drop) } });
    const photo = await putPhoto(target.store, 42, 1536 * KiB);
    const hostiles = await Promise.all([1, 2, 3].map(() => rawPeer(target)));
    const honest = honestDevice(await lanePeer(target));

    const next = new Uint8Array(DEFAULT_FRAME_BYTES).fill(0xa5);
    next[0] = FRAME_NEXT;
    const frames = Math.ceil((48 * MiB) / (DEFAULT_FRAME_BYTES - 1));
    await Promise.all(hostiles.map(async (hostile) => {
      hostile.sendFrame(firstFrame(DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_FRAME_BYTES - 5));
      await hostile.sendRepeatedly(next, frames);
    }));
    expect(await honest.blobs.want(photo.photo.id, 'photo')).toEqual({ ok: true, value: undefined });
    expect(sameBytes((await readPhoto(honest.store, photo, 42))!, photo.plain)).toBe(true);
    await vi.waitFor(() => expect(drops.map((drop) => drop.code)).toContain('E_PEER_BUDGET'), { timeout: 10_000 });
    console.log(`drops: ${JSON.stringify(drops.map((d) => d.code))}; the victim held at most ${(target.budget.peakBytes / MiB).toFixed(1)} MiB for its peers`);
    expect(target.budget.peakBytes).toBeLessThanOrEqual(128 * MiB);
  }, 60_000);
});
