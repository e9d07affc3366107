/**
 * A WebSocket class for y-websocket whose message handler cannot be broken by the relay.
 * Note: y-websocket applies whatever the relay sends (Y.applyUpdate, awareness JSON) inside
 * `onmessage`, and a garbage frame makes that throw: an uncaught error in the page, a crash
 * under Node's `ws`. The relay is not trusted (ARCHITECTURE §3), so a frame that throws is
 * counted and the socket closed; y-websocket reconnects and a fresh sync step 1/2 repairs
 * anything the frame left half-applied. Box content itself is checked by SealedDoc.
 */
export function guardedWebSocket(Base: typeof WebSocket, onBadFrame: (error: unknown) => void): typeof WebSocket {
  return class GuardedWebSocket extends Base {
    override get onmessage(): WebSocket['onmessage'] {
      return super.onmessage;
    }

    override set onmessage(handler: WebSocket['onmessage']) {
      super.onmessage =
        handler === null
          ? null
          : (event: MessageEvent) => {
              try {
                handler.call(this, event);
              } catch (error) {
                onBadFrame(error);
                // 4500-4599: "try again later" to y-websocket; 4400-4499 would stop its reconnecting.
                this.close(4500, 'malformed frame from the relay');
              }
            };
    }
  };
}
