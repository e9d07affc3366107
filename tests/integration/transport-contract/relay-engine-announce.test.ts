import { describe, expect, it } from 'vitest';
import { announcedRelayEngine, relayEngineUrl } from '../../../sync/replication/relay-engine-announce.ts';
import { startRelayServer } from '../../../sync/server/relay-server.ts';
import { tempDataDir } from '../relay/relay-harness.ts';

describe('the relay announces its engine, and the client reads it', () => {
  it('the relay of startRelayServer (npm run relay, npm start) is Hocuspocus, and says so', async () => {
    const data = tempDataDir();
    const relay = await startRelayServer({ dataDir: data.dir, port: 0 });
    try {
      expect(await announcedRelayEngine(relay.relayUrl)).toBe('hocuspocus');
    } finally {
      await relay.close();
      data.remove();
    }
  });

  it('a relay that announces another engine is named as it announced itself (replication refuses it: E_REPLICATION_RELAY_ENGINE)', async () => {
    const answer = (status: number, body: string) => async () => new Response(body, { status });
    // What the y-websocket relay of earlier versions answered.
    expect(await announcedRelayEngine('ws://127.0.0.1:1/relay', answer(200, 'y-websocket\n'))).toBe('y-websocket');
    expect(await announcedRelayEngine('ws://127.0.0.1:1/relay', answer(200, 'y-redis'))).toBe('y-redis');
  });

  it('a relay that announces nothing readable, or cannot be reached: undefined (the client speaks Hocuspocus, its only protocol)', async () => {
    expect(relayEngineUrl('wss://relay.example.test/relay')).toBe('https://relay.example.test/relay-engine');
    const answer = (status: number, body: string) => async () => new Response(body, { status });
    expect(await announcedRelayEngine('ws://127.0.0.1:1/relay', answer(404, 'hocuspocus'))).toBeUndefined();
    expect(await announcedRelayEngine('ws://127.0.0.1:1/relay', answer(200, '<!doctype html><html>a page, not a relay</html>'))).toBeUndefined();
    expect(await announcedRelayEngine('ws://127.0.0.1:1/relay')).toBeUndefined();
    expect(await announcedRelayEngine('not a url')).toBeUndefined();
  });
});
