import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * Carries signaling publishes between relay nodes (scale-out mode), so two devices whose
 * signaling sockets land on different nodes still find each other. A node subscribes to a
 * topic's channel while it has a local subscriber of that topic and forwards the publishes
 * of its own members; what arrives is handed to that topic's local subscribers only.
 */
export interface SignalingFanOut {
  /** The first local subscriber of `topic` arrived. */
  join(topic: string): void;
  /** The last local subscriber of `topic` left. */
  leave(topic: string): void;
  /** A local member published `text` (the message as subscribers receive it) on `topic`. */
  publish(topic: string, text: string): void;
  /** Where messages from other nodes go. */
  onMessage(deliver: (topic: string, text: string) => void): void;
  close(): Promise<void>;
}

/** Redis channels are `obscura:signal:<topic>`; a topic is a keyed room id (RELAY.md "What each store learns"). */
export const SIGNAL_CHANNEL_PREFIX = 'obscura:signal:';

/**
 * The fan-out over Redis pub/sub (two connections: one subscribed, one publishing). Each
 * message is `<node id> <text>` so a node drops its own messages coming back. Pub/sub
 * delivers at most once: a message lost while Redis or a node restarts costs y-webrtc one
 * announce, which it repeats (it re-announces on every reconnect of its signaling socket).
 */
export function redisSignalingFanOut(url: string, maxMessageBytes: number): SignalingFanOut {
  const nodeId = randomBytes(8).toString('hex');
  const publisher = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
  // disableClientInfo: since ioredis 5.8.2 the CLIENT SETINFO handshake can interleave with the
  // resubscribe after a reconnect and throw "Command queue state error" (ioredis issue #2037).
  const subscriber = new Redis(url, { lazyConnect: false, disableClientInfo: true });
  const logError = (error: Error) => console.error(`signaling: Redis: ${error.message}`);
  publisher.on('error', logError);
  subscriber.on('error', logError);
  let deliver: (topic: string, text: string) => void = () => undefined;
  subscriber.on('message', (channel: string, message: string) => {
    if (!channel.startsWith(SIGNAL_CHANNEL_PREFIX) || message.length > 2 * maxMessageBytes + 64) return;
    const space = message.indexOf(' ');
    if (space < 0 || message.slice(0, space) === nodeId) return;
    deliver(channel.slice(SIGNAL_CHANNEL_PREFIX.length), message.slice(space + 1));
  });
  return {
    join: (topic) => void subscriber.subscribe(SIGNAL_CHANNEL_PREFIX + topic).catch(logError),
    leave: (topic) => void subscriber.unsubscribe(SIGNAL_CHANNEL_PREFIX + topic).catch(logError),
    publish: (topic, text) => void publisher.publish(SIGNAL_CHANNEL_PREFIX + topic, `${nodeId} ${text}`).catch(logError),
    onMessage: (handler) => void (deliver = handler),
    async close() {
      await Promise.all([publisher.quit().catch(() => undefined), subscriber.quit().catch(() => undefined)]);
    },
  };
}
