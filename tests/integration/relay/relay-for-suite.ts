import { afterAll, beforeAll, vi } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import type { RelayServerOptions, RelayServer } from '../../../sync/server/relay-server.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { startRelay } from './room-socket.ts';
import { tempDataDir } from './relay-harness.ts';

export interface RelayForSuiteOptions extends Pick<RelayServerOptions, 'observeFrames' | 'limits' | 'requireWriteCapability'> {
  /** y-webrtc's signaling client uses the global WebSocket, which Node 20 lacks. */
  readonly globalWebSocket?: boolean;
}

/**
 * The real relay and signaling server for one test file, in a fresh data dir: started in
 * beforeAll (after libsodium is ready), closed and removed in afterAll. The returned object
 * reads through to the running server, so tests write `relay.relayUrl` as if they held it.
 */
export function relayForSuite(options: RelayForSuiteOptions = {}): RelayServer & { readonly dataDir: string } {
  let data: ReturnType<typeof tempDataDir> | undefined;
  let server: RelayServer | undefined;

  beforeAll(async () => {
    await sodiumReady();
    data = tempDataDir();
    server = await startRelay({
      dataDir: data.dir,
      port: 0,
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.observeFrames ? { observeFrames: options.observeFrames } : {}),
      ...(options.requireWriteCapability === undefined ? {} : { requireWriteCapability: options.requireWriteCapability }),
    });
    if (options.globalWebSocket) vi.stubGlobal('WebSocket', WebSocket);
  });

  afterAll(async () => {
    if (options.globalWebSocket) vi.unstubAllGlobals();
    await server?.close();
    data?.remove();
  });

  return new Proxy({} as RelayServer & { readonly dataDir: string }, {
    get(_target, key) {
      if (!server || !data) throw new Error('the relay starts in beforeAll: use it inside a test or hook');
      if (key === 'dataDir') return data.dir;
      const value = Reflect.get(server, key, server) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(server) : value;
    },
  });
}
