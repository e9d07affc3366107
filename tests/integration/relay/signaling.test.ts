import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_SIGNALING_VIOLATION } from '../../../sync/server/signaling.ts';
import { type RelayServer } from '../../../sync/server/relay-server.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { startRelay } from './room-socket.ts';
import { closed, opened, tempDataDir } from './relay-harness.ts';

const TOPIC = 'signal-topic-0123456789';
const OTHER = 'other-topic-0123456789';
let data: ReturnType<typeof tempDataDir>;
let relay: RelayServer;

beforeAll(async () => {
  data = tempDataDir();
  relay = await startRelay({
    dataDir: data.dir,
    port: 0,
    signalingLimits: { maxMessageBytes: 4096, maxTopicsPerConnection: 3, maxConnections: 100 },
  });
});

afterAll(async () => {
  await relay.close();
  data.remove();
});

/** A signaling client that queues what it receives, so a test can await the next message. */
async function client() {
  const ws = new WebSocket(relay.signalingUrl);
  const inbox: unknown[] = [];
  const waiting: ((message: unknown) => void)[] = [];
  ws.on('message', (raw: Buffer) => {
    const message: unknown = JSON.parse(raw.toString('utf8'));
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else inbox.push(message);
  });
  await opened(ws);
  return {
    ws,
    send: (message: unknown) => ws.send(JSON.stringify(message)),
    next: () => (inbox.length > 0 ? Promise.resolve(inbox.shift()) : new Promise<unknown>((resolve) => waiting.push(resolve))),
  };
}

describe('signaling server', () => {
  it('fans a publish out to the subscribers of its topic only, and answers ping', async () => {
    const [a, b, c] = await Promise.all([client(), client(), client()]);
    a.send({ type: 'subscribe', topics: [TOPIC] });
    b.send({ type: 'subscribe', topics: [TOPIC, OTHER] });
    c.send({ type: 'subscribe', topics: [OTHER] });
    // Each socket is handled in order: once b's ping is answered, its subscription is in.
    for (const peer of [a, b, c]) {
      peer.send({ type: 'ping' });
      expect(await peer.next()).toEqual({ type: 'pong' });
    }
    // What y-webrtc sends with its password set: base64 of AES-GCM ciphertext.
    const sealed = Buffer.from('sealed announce from a').toString('base64');
    a.send({ type: 'publish', topic: TOPIC, data: sealed });
    const expected = { type: 'publish', topic: TOPIC, data: sealed, clients: 2 };
    expect(await b.next()).toEqual(expected);
    expect(await a.next()).toEqual(expected);
    // The publish was fanned out before c's ping was read, so c's next message shows it got none.
    c.send({ type: 'ping' });
    expect(await c.next()).toEqual({ type: 'pong' });
    // c is not subscribed to TOPIC: its publish there reaches nobody.
    c.send({ type: 'publish', topic: TOPIC, data: 'aW50cnVkZXI=' });
    c.send({ type: 'ping' });
    expect(await c.next()).toEqual({ type: 'pong' });
    a.send({ type: 'ping' });
    expect(await a.next()).toEqual({ type: 'pong' });

    b.send({ type: 'unsubscribe', topics: [TOPIC] });
    b.send({ type: 'ping' });
    expect(await b.next()).toEqual({ type: 'pong' });
    a.send({ type: 'publish', topic: TOPIC, data: 'eA==' });
    expect(await a.next()).toEqual({ type: 'publish', topic: TOPIC, data: 'eA==', clients: 1 });
    b.send({ type: 'ping' });
    expect(await b.next()).toEqual({ type: 'pong' });
    for (const peer of [a, b, c]) peer.ws.close();
  });

  it('closes only the connection that breaks a rule; the others keep signaling', async () => {
    const [a, b] = await Promise.all([client(), client()]);
    a.send({ type: 'subscribe', topics: [TOPIC] });
    b.send({ type: 'subscribe', topics: [TOPIC] });
    const violations: [string, string, number][] = [
      ['not JSON', '{"type":', CLOSE_SIGNALING_VIOLATION],
      ['not an object', '[1,2]', CLOSE_SIGNALING_VIOLATION],
      ['unknown type', JSON.stringify({ type: 'shout' }), CLOSE_SIGNALING_VIOLATION],
      ['readable topic', JSON.stringify({ type: 'subscribe', topics: ['my holiday notebook'] }), CLOSE_SIGNALING_VIOLATION],
      ['topics not a list', JSON.stringify({ type: 'subscribe', topics: TOPIC }), CLOSE_SIGNALING_VIOLATION],
      ['too many topics', JSON.stringify({ type: 'subscribe', topics: ['t1-0123456789abcdef', 't2-0123456789abcdef', 't3-0123456789abcdef', 't4-0123456789abcdef'] }), CLOSE_SIGNALING_VIOLATION],
      ['unencrypted payload', JSON.stringify({ type: 'publish', topic: TOPIC, data: { sdp: 'v=0' } }), CLOSE_SIGNALING_VIOLATION],
      ['oversize message', JSON.stringify({ type: 'publish', topic: TOPIC, data: 'x'.repeat(5000) }), 1009],
    ];
    for (const [name, text, code] of violations) {
      const bad = await client();
      const done = closed(bad.ws);
      bad.ws.send(text);
      expect({ name, code: (await done).code }).toEqual({ name, code });
    }
    a.send({ type: 'publish', topic: TOPIC, data: 'c3RpbGwgaGVyZQ==' });
    expect(await b.next()).toEqual({ type: 'publish', topic: TOPIC, data: 'c3RpbGwgaGVyZQ==', clients: 2 });
    a.ws.close();
    b.ws.close();
  });

  it('refuses upgrades on unknown paths and relay rooms with malformed ids', async () => {
    for (const path of ['/nope', '/relay/short', '/relay/has space in it 0123456789']) {
      const ws = new WebSocket(new URL(path, relay.signalingUrl));
      ws.on('error', () => undefined);
      const status = await new Promise<number>((resolve) =>
        ws.once('unexpected-response', (req, res) => {
          req.destroy();
          resolve(res.statusCode ?? 0);
        }),
      );
      expect({ path, status }).toEqual({ path, status: 404 });
    }
  });
});
