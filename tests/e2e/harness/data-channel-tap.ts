import type { BrowserContext, Page } from 'playwright-core';

declare global {
  interface Window {
    __dataChannelTap?: { sent: Uint8Array[]; received: Uint8Array[] };
  }
}

/**
 * Records every payload this context's pages send or receive on any RTCDataChannel, by
 * wrapping `send` and the message event before the app runs. Tests scan it for plaintext.
 */
export async function tapDataChannels(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const tap = { sent: [] as Uint8Array[], received: [] as Uint8Array[] };
    window.__dataChannelTap = tap;
    const copy = (data: unknown): Uint8Array | undefined =>
      data instanceof ArrayBuffer ? new Uint8Array(data.slice(0))
      : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength))
      : typeof data === 'string' ? new TextEncoder().encode(data)
      : undefined;
    const proto = RTCDataChannel.prototype;
    const send = proto.send as (this: RTCDataChannel, data: unknown) => void;
    proto.send = function (this: RTCDataChannel, data: unknown) {
      const bytes = copy(data);
      if (bytes) tap.sent.push(bytes);
      else if (data instanceof Blob) void data.arrayBuffer().then((b) => tap.sent.push(new Uint8Array(b)));
      send.call(this, data);
    } as RTCDataChannel['send'];
    // Every channel, however the app listens to it: one capturing listener added at creation.
    const listen = (channel: RTCDataChannel) =>
      channel.addEventListener('message', (event: MessageEvent) => {
        const bytes = copy(event.data);
        if (bytes) tap.received.push(bytes);
        else if (event.data instanceof Blob) void event.data.arrayBuffer().then((b) => tap.received.push(new Uint8Array(b)));
      });
    const createDataChannel = RTCPeerConnection.prototype.createDataChannel;
    RTCPeerConnection.prototype.createDataChannel = function (this: RTCPeerConnection, ...args: Parameters<RTCPeerConnection['createDataChannel']>) {
      const channel = createDataChannel.apply(this, args);
      listen(channel);
      return channel;
    };
    const NativePc = RTCPeerConnection;
    const Tapped = function (this: RTCPeerConnection, ...args: ConstructorParameters<typeof RTCPeerConnection>) {
      const pc = new NativePc(...args);
      pc.addEventListener('datachannel', (event) => listen(event.channel));
      return pc;
    } as unknown as typeof RTCPeerConnection;
    Tapped.prototype = NativePc.prototype;
    Object.setPrototypeOf(Tapped, NativePc);
    window.RTCPeerConnection = Tapped;
  });
}

/** What the page's data channels carried so far (both directions), moved to Node. */
export async function tappedPayloads(page: Page): Promise<{ sent: Buffer[]; received: Buffer[] }> {
  const encoded = await page.evaluate(() => {
    const toB64 = (bytes: Uint8Array) => {
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(s);
    };
    const tap = window.__dataChannelTap ?? { sent: [], received: [] };
    return { sent: tap.sent.map(toB64), received: tap.received.map(toB64) };
  });
  return { sent: encoded.sent.map((b) => Buffer.from(b, 'base64')), received: encoded.received.map((b) => Buffer.from(b, 'base64')) };
}
