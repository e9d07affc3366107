import { randomBytes } from 'node:crypto';
import type { afterLoadDocumentPayload, afterUnloadDocumentPayload, Document, Extension } from '@hocuspocus/server';
import { Redis } from 'ioredis';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';

/** Redis channels are `obscura:room:<roomId>` (RELAY.md "What each store learns"). */
export const ROOM_CHANNEL_PREFIX = 'obscura:room:';
const NODE_ID_BYTES = 8;
const KIND_UPDATE = 0;
const KIND_AWARENESS = 1;

/** Where updates a node takes from the others come from (not appended again, see hocus-rooms.ts). */
export const REMOTE_ORIGIN = Symbol('another relay node');

export interface RoomFanOutOptions {
  readonly redisUrl: string;
  /** What other nodes appended since this node last looked (pg-room-log.ts `catchUp`). */
  readonly catchUp: (roomId: string) => Promise<Uint8Array[]>;
  /** The loaded room unloaded on this node. */
  readonly forget: (roomId: string) => void;
  /** How often each loaded room catches up from PostgreSQL, for what pub/sub dropped. */
  readonly resyncMs: number;
}

/**
 * Shares the rooms a scale-out node has loaded with every other node (RELAY.md "Scale-out:
 * box docs"), in place of @hocuspocus/extension-redis: a node publishes each update its own
 * clients sent (after hocus-rooms.ts checked and stored it) and their awareness on the
 * room's channel, and applies what other nodes publish with REMOTE_ORIGIN, which Hocuspocus
 * forwards to this node's clients. Pub/sub drops messages while Redis or a node restarts,
 * so it carries latency only: every acknowledged update is in PostgreSQL, and each loaded
 * room catches up from there after subscribing, after every reconnect to Redis and on a timer.
 */
export class RedisRoomFanOut implements Extension {
  readonly extensionName = 'obscura-room-fan-out';
  readonly #o: RoomFanOutOptions;
  readonly #nodeId = randomBytes(NODE_ID_BYTES);
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #rooms = new Map<string, Document>();
  readonly #timer: NodeJS.Timeout;

  constructor(options: RoomFanOutOptions) {
    this.#o = options;
    this.#publisher = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
    // disableClientInfo: see signaling-fan-out.ts (ioredis issue #2037).
    this.#subscriber = new Redis(options.redisUrl, { disableClientInfo: true });
    const logError = (error: Error) => console.error(`relay: Redis: ${error.message}`);
    this.#publisher.on('error', logError);
    this.#subscriber.on('error', logError);
    this.#subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.#received(channel.toString(), message));
    // Whatever was published while this node was cut off from Redis is in PostgreSQL.
    let connectedBefore = false;
    this.#subscriber.on('ready', () => {
      if (connectedBefore) this.#catchUpAll();
      connectedBefore = true;
    });
    this.#timer = setInterval(() => this.#catchUpAll(), options.resyncMs);
    this.#timer.unref();
  }

  async afterLoadDocument({ document, documentName }: afterLoadDocumentPayload): Promise<void> {
    this.#rooms.set(documentName, document);
    document.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE_ORIGIN) this.#publish(documentName, KIND_UPDATE, update);
    });
    document.awareness.on('update', ({ added, updated, removed }: AwarenessChanges, origin: unknown) => {
      if (origin === REMOTE_ORIGIN) return;
      const update = awarenessProtocol.encodeAwarenessUpdate(document.awareness, [...added, ...updated, ...removed]);
      this.#publish(documentName, KIND_AWARENESS, update);
    });
    await this.#subscriber.subscribe(ROOM_CHANNEL_PREFIX + documentName);
    // Updates other nodes published between the load and the subscription.
    await this.#catchUp(documentName);
  }

  async afterUnloadDocument({ documentName, instance }: afterUnloadDocumentPayload): Promise<void> {
    if (instance.documents.has(documentName)) return;
    this.#rooms.delete(documentName);
    this.#o.forget(documentName);
    await this.#subscriber.unsubscribe(ROOM_CHANNEL_PREFIX + documentName).catch(() => undefined);
  }

  async onDestroy(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.all([this.#publisher.quit().catch(() => undefined), this.#subscriber.quit().catch(() => undefined)]);
  }

  #publish(roomId: string, kind: number, payload: Uint8Array): void {
    const message = Buffer.concat([this.#nodeId, Buffer.of(kind), payload]);
    this.#publisher.publish(ROOM_CHANNEL_PREFIX + roomId, message).catch(() => undefined);
  }

  #received(channel: string, message: Buffer): void {
    if (!channel.startsWith(ROOM_CHANNEL_PREFIX) || message.length <= NODE_ID_BYTES) return;
    if (message.subarray(0, NODE_ID_BYTES).equals(this.#nodeId)) return;
    const document = this.#rooms.get(channel.slice(ROOM_CHANNEL_PREFIX.length));
    if (!document) return;
    const payload = new Uint8Array(message.subarray(NODE_ID_BYTES + 1));
    try {
      if (message[NODE_ID_BYTES] === KIND_UPDATE) Y.applyUpdate(document, payload, REMOTE_ORIGIN);
      else if (message[NODE_ID_BYTES] === KIND_AWARENESS) awarenessProtocol.applyAwarenessUpdate(document.awareness, payload, REMOTE_ORIGIN);
    } catch (error) {
      console.error(`relay: a message from another node did not apply: ${String(error).slice(0, 80)}`);
    }
  }

  #catchUpAll(): void {
    for (const roomId of this.#rooms.keys()) void this.#catchUp(roomId);
  }

  async #catchUp(roomId: string): Promise<void> {
    try {
      const updates = await this.#o.catchUp(roomId);
      const document = this.#rooms.get(roomId);
      if (document && updates.length > 0) Y.applyUpdate(document, Y.mergeUpdates(updates), REMOTE_ORIGIN);
    } catch (error) {
      console.error(`relay: catching a room up from PostgreSQL failed: ${String(error).slice(0, 120)}`);
    }
  }
}

interface AwarenessChanges {
  readonly added: number[];
  readonly updated: number[];
  readonly removed: number[];
}
