import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import pg from 'pg';
import { afterAll } from 'vitest';
import { join } from 'node:path';
import { LeveldbPersistence } from 'y-leveldb';
import { PgRoomLog } from '../../../sync/server/hocus/pg-room-log.ts';
import { openScaleOutDocs } from '../../../sync/server/hocus/scale-out-docs.ts';
import { startRelayServer, type RelayServer, type RelayServerOptions } from '../../../sync/server/relay-server.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { createDatabase, startPostgres, type PostgresService } from '../../helpers/services/postgres';
import { startRedis, type RedisService } from '../../helpers/services/redis';

/**
 * The vitest project `unit` runs the relay suite against the embedded relay (one process, LevelDB);
 * `relay-scale-out` (vite.config.ts) runs the same files against the relay in scale-out
 * mode: box docs and write policies in a real PostgreSQL, rooms shared through a real Redis
 * (one of each per test file, one database per data directory, so a restarted relay finds
 * what it stored).
 */
export const RELAY_SCALE_OUT = process.env.OBSCURA_RELAY_SCALE_OUT === '1';

/** Hocuspocus's authentication message: the room, type 2, token (0), the token. */
export function authFrame(room: string, token: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, room);
  encoding.writeVarUint(encoder, 2);
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarString(encoder, token);
  return encoding.toUint8Array(encoder);
}

/** A y-protocols frame as a Hocuspocus message of `room`: the document name first. */
export function withRoom(room: string, frame: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, room);
  encoding.writeUint8Array(encoder, frame);
  return encoding.toUint8Array(encoder);
}

export interface RoomSocketOptions {
  readonly token?: string;
  readonly origin?: string;
  /** Listens from before the socket opens (a loaded room's first frame may come with the upgrade). */
  readonly onFrame?: (frame: Uint8Array) => void;
}

/**
 * One room on a raw relay socket. Tests speak y-protocols frames (type, then its payload: sync
 * 0, awareness 1); RoomSocket adds the document name (the room) Hocuspocus puts first and opens
 * the room with its authentication message, which carries the write token.
 */
export class RoomSocket {
  readonly ws: WebSocket;
  readonly room: string;

  private constructor(ws: WebSocket, room: string) {
    this.ws = ws;
    this.room = room;
  }

  /** Opens the socket and the room on it; rejects when the upgrade fails. */
  static async open(relayUrl: string, room: string, options: RoomSocketOptions = {}): Promise<RoomSocket> {
    const ws = new WebSocket(relayUrl, options.origin ? { origin: options.origin } : {});
    const socket = new RoomSocket(ws, room);
    if (options.onFrame) socket.onFrame(options.onFrame);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(authFrame(room, options.token ?? ''));
    return socket;
  }

  /** Sends a y-protocols frame in the room (a string goes as a text frame, unchanged). */
  send(frame: Uint8Array | string): void {
    if (typeof frame === 'string') return void this.ws.send(frame);
    this.ws.send(withRoom(this.room, frame));
  }

  /** Calls `listener` with every sync (0) or awareness (1) frame the relay sends for this room. */
  onFrame(listener: (frame: Uint8Array) => void): () => void {
    const handler = (raw: Buffer) => {
      const bytes = new Uint8Array(raw);
      const decoder = decoding.createDecoder(bytes);
      if (decoding.readVarString(decoder) !== this.room) return;
      const frame = bytes.subarray(decoder.pos);
      // Hocuspocus's own answers (authenticated, sync status, close) are not y-protocols frames.
      if (frame[0] === 0 || frame[0] === 1) listener(frame);
    };
    this.ws.on('message', handler);
    return () => void this.ws.off('message', handler);
  }

  /** Resolves with the close code and reason the relay sent. */
  closed(): Promise<{ code: number; reason: string }> {
    return new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  close(): void {
    this.ws.close();
  }
}

/** The relay server of `npm run relay`, in-process, in the suite's mode (embedded, or scale-out). */
export async function startRelay(options: RelayServerOptions): Promise<RelayServer> {
  if (!RELAY_SCALE_OUT) return startRelayServer(options);
  const { redis, postgres } = await scaleOutServices();
  const docs = await openScaleOutDocs({ redisUrl: redis.url, postgresUrl: await databaseFor(postgres, options.dataDir) });
  const server = await startRelayServer({ ...options, scaleOutDocs: docs });
  return {
    ...server,
    async close() {
      await server.close();
      await docs.close();
    },
  };
}

let services: Promise<{ redis: RedisService; postgres: PostgresService }> | undefined;
const databases = new Map<string, string>();

function scaleOutServices(): Promise<{ redis: RedisService; postgres: PostgresService }> {
  services ??= (async () => {
    const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
    return { redis, postgres };
  })();
  return services;
}

if (RELAY_SCALE_OUT) {
  afterAll(async () => {
    const running = await services;
    await Promise.all([running?.redis.stop(), running?.postgres.stop()]);
  });
}

/** One database per relay data directory: a relay restarted on it finds its rooms again. */
async function databaseFor(postgres: PostgresService, dataDir: string): Promise<string> {
  const known = databases.get(dataDir);
  if (known) return known;
  const url = await createDatabase(postgres, `relay_suite_${databases.size}`);
  databases.set(dataDir, url);
  return url;
}

/** Stores `update` for `room` where a relay on `dataDir` will load it from (LevelDB, or PostgreSQL in scale-out mode). */
export async function storeBeforeStart(dataDir: string, room: string, update: Uint8Array): Promise<void> {
  if (!RELAY_SCALE_OUT) {
    const db = new LeveldbPersistence(join(dataDir, 'docs'));
    await db.storeUpdate(room, update);
    return db.destroy();
  }
  const pool = new pg.Pool({ connectionString: await databaseFor((await scaleOutServices()).postgres, dataDir) });
  try {
    await (await PgRoomLog.open(pool)).append(room, update);
  } finally {
    await pool.end();
  }
}

/** Scale-out mode: the Redis the suite's relays share (started on first use). */
export async function scaleOutRedisUrl(): Promise<string> {
  return (await scaleOutServices()).redis.url;
}

/** Scale-out mode: every box update and write policy row a relay on `dataDir` stored, as one buffer. */
export async function scaleOutRows(dataDir: string): Promise<Buffer> {
  const client = new pg.Client({ connectionString: await databaseFor((await scaleOutServices()).postgres, dataDir) });
  await client.connect();
  try {
    const updates = await client.query<{ update: Buffer }>('SELECT update FROM relay_box_updates');
    const caps = await client.query<{ room_id: string; statement: Buffer }>('SELECT room_id, statement FROM relay_room_caps');
    return Buffer.concat([...updates.rows.map((row) => row.update), ...caps.rows.flatMap((row) => [Buffer.from(row.room_id), row.statement])]);
  } finally {
    await client.end();
  }
}
