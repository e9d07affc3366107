import pg from 'pg';
import { PgRoomCaps } from '../relay/pg-room-caps.ts';
import { PgRoomLog } from './pg-room-log.ts';
import { RedisRoomFanOut, REMOTE_ORIGIN } from './redis-room-fan-out.ts';

export interface ScaleOutDocsConfig {
  readonly redisUrl: string;
  readonly postgresUrl: string;
  /** How often loaded rooms catch up from PostgreSQL (default 5 s). */
  readonly resyncMs?: number;
}

/**
 * What a scale-out Hocuspocus node shares with the others (RELAY.md "Scale-out: box docs"):
 * box updates and write policies in PostgreSQL, live updates and awareness through Redis.
 */
export interface ScaleOutDocs {
  readonly log: PgRoomLog;
  readonly caps: PgRoomCaps;
  readonly fanOut: RedisRoomFanOut;
  readonly remoteOrigin: typeof REMOTE_ORIGIN;
  /** How often loaded rooms catch up from PostgreSQL and the relay-wide counts are refreshed. */
  readonly resyncMs: number;
  /** After the relay closed: ends the connections to Redis and PostgreSQL. */
  close(): Promise<void>;
}

export async function openScaleOutDocs(config: ScaleOutDocsConfig): Promise<ScaleOutDocs> {
  const pool = new pg.Pool({ connectionString: config.postgresUrl, max: 10 });
  // A dropped idle connection is replaced on next use; it must not end the process.
  pool.on('error', (error) => console.error(`relay: PostgreSQL: ${error.message}`));
  try {
    const log = await PgRoomLog.open(pool);
    const caps = await PgRoomCaps.open(pool);
    const resyncMs = config.resyncMs ?? 5_000;
    const fanOut = new RedisRoomFanOut({
      redisUrl: config.redisUrl,
      catchUp: (roomId) => log.catchUp(roomId),
      forget: (roomId) => log.forget(roomId),
      resyncMs,
    });
    return {
      log, caps, fanOut, remoteOrigin: REMOTE_ORIGIN, resyncMs,
      async close() {
        await fanOut.close();
        await caps.close();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}
