import { describe, expect, it } from 'vitest';
import { announcedRelayEngine, relayEngineUrl } from '../../../sync/replication/relay-engine-announce.ts';
import type { RelayEngine } from '../../../sync/server/attach-sync.ts';
import { startRelayServer } from '../../../sync/server/relay-server.ts';
import { tempDataDir } from '../relay/relay-harness.ts';

describe('the relay announces its engine, and the client reads it', () => {
  it.each<RelayEngine>(['y-websocket', 'hocuspocus'])('%s', async (engine) => {
    const data = tempDataDir();
    const relay = await startRelayServer({ dataDir: data.dir, port: 0, relayEngine: engine });
    try {
      expect(await announcedRelayEngine(relay.relayUrl)).toBe(engine);
    } finally {
      await relay.close();
      data.remove();
    }
  });

  it('a relay that announces nothing it knows, or cannot be reached, means y-websocket (undefined)', async () => {
    expect(relayEngineUrl('wss://relay.example.test/relay')).toBe('https://relay.example.test/relay-engine');
    const answer = (status: number, body: string) => async () => new Response(body, { status });
    expect(await announcedRelayEngine('ws://127.0.0.1:1/relay', answer(200, 'y-redis'))).toBeUndefined();
    expect(await announcedRelayEngine('ws://127.0.0.1:1/relay', answer(404, 'hocuspocus'))).toBeUndefined();
    expect(await announcedRelayEngine('ws://127.0.0.1:1/relay')).toBeUndefined();
    expect(await announcedRelayEngine('not a url')).toBeUndefined();
  });
});
