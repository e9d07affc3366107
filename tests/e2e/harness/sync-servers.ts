import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LeveldbPersistence } from 'y-leveldb';
import * as Y from 'yjs';
import { startAppServer, type AppServer } from '../../../sync/server/app-server.ts';
import * as decoding from 'lib0/decoding';
import { attachSync, type SyncServers } from '../../../sync/server/attach-sync.ts';
import { E2E_DIST } from './e2e-dist.ts';

/** What went to a server, by server, as the server received it. */
export interface CapturedFrames {
  readonly signaling: Uint8Array[];
  readonly relay: Uint8Array[];
}

export interface SyncedApp {
  readonly url: string;
  readonly sync: SyncServers;
  readonly frames: CapturedFrames;
  readonly dataDir: string;
  /** Every file the relay wrote (LevelDB and blob files), path and bytes. */
  relayFiles(): { path: string; bytes: Buffer }[];
  /**
   * Stops signaling and relay, then reads each room's stored doc back through y-leveldb:
   * LevelDB compresses its blocks, so raw files alone could hide plaintext from a byte search.
   */
  stopAndReadRooms(roomIds: readonly string[]): Promise<Uint8Array[]>;
  /** Stops signaling and relay and starts them again on the same port with an empty data dir (a relay that lost its data). */
  restartRelayEmpty(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The built app with the signaling server and the relay on its port, wired exactly as
 * `npm start` (sync/server/start.ts) does, but in this process, on a free port, with a
 * throwaway relay data dir and every client frame captured for canary checks.
 */
export async function startSyncedApp(): Promise<SyncedApp> {
  let dataDir = mkdtempSync(join(tmpdir(), 'obscura-relay-'));
  const frames: CapturedFrames = { signaling: [], relay: [] };
  const app: AppServer = await startAppServer({ distDir: E2E_DIST, port: 0 });
  // One route that asks the current relay, so a restarted relay answers in its place.
  let route: Parameters<AppServer['addRoute']>[0] | undefined;
  app.addRoute((req, res) => route?.(req, res) ?? false);
  const attach = (dir: string) =>
    attachSync({
      server: app.server,
      baseUrl: app.url,
      addRoute: (next) => (route = next),
      dataDir: dir,
      observeFrames: (server, frame) => void frames[server].push(Uint8Array.from(frame)),
    });
  let sync = await attach(dataDir);
  let stopped: Promise<void> | undefined;
  const stopSync = () => (stopped ??= sync.close());
  return {
    url: app.url,
    get sync() {
      return sync;
    },
    frames,
    get dataDir() {
      return dataDir;
    },
    relayFiles: () => listFiles(dataDir).map((path) => ({ path, bytes: readFileSync(path) })),
    async stopAndReadRooms(roomIds) {
      await stopSync();
      const db = new LeveldbPersistence(join(dataDir, 'docs'));
      try {
        const docs: Uint8Array[] = [];
        for (const room of roomIds) docs.push(Y.encodeStateAsUpdate(await db.getYDoc(room)));
        return docs;
      } finally {
        await db.destroy();
      }
    },
    async restartRelayEmpty() {
      await stopSync();
      rmSync(dataDir, { recursive: true, force: true });
      dataDir = mkdtempSync(join(tmpdir(), 'obscura-relay-'));
      sync = await attach(dataDir);
      stopped = undefined;
    },
    async close() {
      await stopSync();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The rooms the pages opened on the relay: Hocuspocus names each at the head of every frame on its one socket. */
export function relayRoomsUsed(app: SyncedApp): string[] {
  const rooms = new Set<string>();
  for (const frame of app.frames.relay) {
    try {
      rooms.add(decoding.readVarString(decoding.createDecoder(frame)));
    } catch {
      // Not a Hocuspocus frame: nothing to name.
    }
  }
  return [...rooms];
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
