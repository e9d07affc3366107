import { ChunkedDataChannel } from './chunked-data-channel.ts';
import type { ChunkingOptions } from './chunking-options.ts';

/** What simple-peer's `wrtc` option takes: a WebRTC implementation (the browser's, or @roamhq/wrtc). */
export interface WrtcImplementation {
  readonly RTCPeerConnection: typeof RTCPeerConnection;
  readonly RTCSessionDescription: typeof RTCSessionDescription;
  readonly RTCIceCandidate: typeof RTCIceCandidate;
}

/**
 * `base` with an RTCPeerConnection whose data channels are ChunkedDataChannels, both the
 * ones it creates and the ones the peer opens. Pass it as simple-peer's (so y-webrtc's
 * `peerOpts`) `wrtc`; every peer must use it, since the frames are only understood by it.
 *
 * Note: chunking the channel, not y-webrtc's messages: splitting sync steps would reach
 * into y-webrtc's internals and still miss a single large update (a pasted 300 KiB note),
 * while every message y-webrtc sends goes through the channel.
 * A Proxy rather than a subclass, because @roamhq/wrtc defines `ondatachannel` as
 * a non-configurable own property that a subclass accessor cannot intercept. Methods are
 * bound to the real connection so native brand checks pass. Only `ondatachannel` hands
 * out wrapped channels: `addEventListener('datachannel')` throws rather than quietly
 * delivering an unwrapped channel whose peer would then drop us.
 * Note: at most `maxPeerConnections` are open at once (until close()); the next one is
 * refused in its constructor. y-webrtc's own maxConns limits only the connections it
 * starts, not those that offers (or stray signals) made to us start.
 */
export function chunkingWrtc(base: WrtcImplementation, options: ChunkingOptions = {}, maxPeerConnections = Infinity): WrtcImplementation {
  let live = 0;
  const ChunkingRTCPeerConnection = new Proxy(base.RTCPeerConnection, {
    construct(target, args: unknown[]) {
      // simple-peer turns a throwing constructor into a destroyed peer (ERR_PC_CONSTRUCTOR),
      // which y-webrtc forgets: the offer is refused before anything is allocated.
      if (live >= maxPeerConnections) throw new RangeError(`already ${live} peer connections (bound ${maxPeerConnections})`);
      const pc = Reflect.construct(target, args) as RTCPeerConnection;
      live++;
      let counted = true;
      return wrapPeerConnection(pc, options, () => {
        if (counted) live--;
        counted = false;
      });
    },
  });
  return {
    RTCPeerConnection: ChunkingRTCPeerConnection,
    RTCSessionDescription: base.RTCSessionDescription,
    RTCIceCandidate: base.RTCIceCandidate,
  };
}

/** The browser's own WebRTC, if it has one. */
export function browserWrtc(): WrtcImplementation | null {
  const g = globalThis as Partial<WrtcImplementation>;
  if (!g.RTCPeerConnection || !g.RTCSessionDescription || !g.RTCIceCandidate) return null;
  return { RTCPeerConnection: g.RTCPeerConnection, RTCSessionDescription: g.RTCSessionDescription, RTCIceCandidate: g.RTCIceCandidate };
}

type DataChannelHandler = ((this: RTCPeerConnection, ev: RTCDataChannelEvent) => unknown) | null;

function wrapPeerConnection(pc: RTCPeerConnection, options: ChunkingOptions, closed: () => void): RTCPeerConnection {
  let ondatachannel: DataChannelHandler = null;
  const proxy: RTCPeerConnection = new Proxy(pc, {
    get(target, prop) {
      if (prop === 'ondatachannel') return ondatachannel;
      if (prop === 'close') {
        return () => {
          closed();
          target.close();
        };
      }
      if (prop === 'createDataChannel') {
        return (label: string, init?: RTCDataChannelInit) => new ChunkedDataChannel(target.createDataChannel(label, init), options);
      }
      if (prop === 'addEventListener') return guardedAddEventListener(target);
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set(target, prop, value: unknown) {
      if (prop !== 'ondatachannel') return Reflect.set(target, prop, value, target);
      ondatachannel = typeof value === 'function' ? (value as DataChannelHandler) : null;
      target.ondatachannel = ondatachannel
        ? (event) => ondatachannel?.call(proxy, dataChannelEvent(new ChunkedDataChannel(event.channel, options)))
        : null;
      return true;
    },
  });
  return proxy;
}

function guardedAddEventListener(target: RTCPeerConnection): RTCPeerConnection['addEventListener'] {
  return (type: string, listener: EventListenerOrEventListenerObject | null, opts?: boolean | AddEventListenerOptions) => {
    if (type === 'datachannel') throw new TypeError('use ondatachannel: only it hands out chunked data channels');
    if (listener) target.addEventListener(type, listener, opts);
  };
}

/** RTCDataChannelEvent's constructor insists on a native channel; simple-peer reads only `.channel`. */
function dataChannelEvent(channel: ChunkedDataChannel): RTCDataChannelEvent {
  const event = new Event('datachannel');
  Object.defineProperty(event, 'channel', { value: channel });
  return event as RTCDataChannelEvent;
}
