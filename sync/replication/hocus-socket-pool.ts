import { HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import * as decoding from 'lib0/decoding';

type BadFrameHandler = (error: unknown) => void;

/** One relay socket shared by every room of this device on one relay. */
export interface SharedHocusSocket {
  readonly socket: HocuspocusProviderWebsocket;
  /**
   * Takes `roomId` on this socket, with where a frame for it that cannot be read is reported;
   * returns the leave. Throws when the room is on it already: the provider keys its rooms by
   * name, so a second one would take the first one's messages.
   */
  join(roomId: string, onBadFrame: BadFrameHandler): () => void;
  /** Opens the socket the first time a room is ready for it (later calls do nothing). */
  start(): void;
  /** Closes the socket and opens a new one at once; every room authenticates again (with a fresh token). */
  reconnect(): void;
  /** True from a reconnect's close until the socket is open again: a drop on purpose, not the relay's. */
  readonly reopening: boolean;
  /** The last room that leaves closes the socket. */
  release(): void;
}

interface Entry {
  readonly shared: SharedHocusSocket;
  readonly handlers: Map<string, BadFrameHandler>;
  users: number;
}

const pools = new WeakMap<typeof WebSocket, Map<string, Entry>>();

/**
 * The Hocuspocus relay's one socket per device and relay URL (RELAY.md "The Hocuspocus client"):
 * every room a device holds there is a document on it. Counted, so the socket lives as long
 * as one of its rooms does.
 */
export function shareHocusSocket(url: string, Base: typeof WebSocket): SharedHocusSocket {
  let byUrl = pools.get(Base);
  if (!byUrl) pools.set(Base, (byUrl = new Map()));
  const pool = byUrl;
  const found = pool.get(url);
  if (found) {
    found.users++;
    return found.shared;
  }
  const handlers = new Map<string, BadFrameHandler>();
  const socket = new HocuspocusProviderWebsocket({
    url,
    WebSocketPolyfill: guardedHocusSocket(Base, (roomId, error) => handlers.get(roomId)?.(error)),
    autoConnect: false,
  });
  let started = false;
  let reconnecting = false;
  let queued = false;
  const shared: SharedHocusSocket = {
    socket,
    join(roomId, handler) {
      if (handlers.has(roomId)) throw new Error('this room is already connected on this relay socket');
      handlers.set(roomId, handler);
      return () => void (handlers.get(roomId) === handler && handlers.delete(roomId));
    },
    start() {
      // connect() while a connection is being made starts another one: called once, the
      // provider reconnects by itself from then on.
      if (started) return;
      started = true;
      void socket.connect();
    },
    reconnect() {
      // A key that changes while a reconnect is under way may come after its rooms
      // authenticated: one more follows once it is open.
      if (reconnecting) return void (queued = true);
      // A socket not open yet authenticates its rooms with fresh tokens when it opens.
      if (!started || socket.status !== 'connected') return;
      reconnecting = true;
      // At once, not after the provider's own 1 s reconnect delay: a device that just became a
      // member writes nothing to the room until then (an invite's redemption among it).
      const reopened = ({ status }: { status: string }) => {
        if (status !== 'connected') return;
        socket.off('status', reopened);
        reconnecting = false;
        if (queued) {
          queued = false;
          shared.reconnect();
        }
      };
      const again = () => {
        socket.off('disconnect', again);
        socket.on('status', reopened);
        void socket.connect();
      };
      socket.on('disconnect', again);
      socket.disconnect();
    },
    get reopening() {
      return reconnecting;
    },
    release() {
      if (--entry.users > 0) return;
      pool.delete(url);
      socket.destroy();
    },
  };
  const entry: Entry = { handlers, users: 1, shared };
  pool.set(url, entry);
  return shared;
}

/**
 * The socket class the provider opens: a frame the provider cannot apply throws inside its
 * message listener (an uncaught error in the page, a crash under Node's `ws`). Here it is
 * caught and reported for the room it names; the socket stays open, as it carries the
 * device's other rooms. The relay is not trusted (ARCHITECTURE §3).
 */
function guardedHocusSocket(Base: typeof WebSocket, onBadFrame: (roomId: string, error: unknown) => void): typeof WebSocket {
  const wrapped = new WeakMap<EventListenerOrEventListenerObject, EventListener>();
  return class GuardedHocusSocket extends Base {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      // ws reports closing a socket that is still connecting as an 'error' event, which with
      // no listener left (the provider removes its own first) would throw; a browser just closes.
      super.addEventListener('error', () => undefined);
    }

    override addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void {
      if (type !== 'message') return super.addEventListener(type, listener, options);
      const guarded: EventListener = (event) => {
        try {
          if (typeof listener === 'function') listener.call(this, event);
          else listener.handleEvent(event);
        } catch (error) {
          onBadFrame(roomOf((event as MessageEvent).data), error);
        }
      };
      wrapped.set(listener, guarded);
      super.addEventListener(type, guarded, options);
    }

    override removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void {
      super.removeEventListener(type, wrapped.get(listener) ?? listener, options);
    }
  };
}

function roomOf(data: unknown): string {
  try {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : undefined;
    return bytes ? decoding.readVarString(decoding.createDecoder(bytes)) : '';
  } catch {
    return '';
  }
}
