import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { RoomSocket } from './room-socket.ts';
import { opened, syncFrame, tempDataDir, upgradeStatus } from './relay-harness.ts';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const APP = 'http://app.example:8080';
const data = tempDataDir();
let child: ChildProcess | undefined;
afterAll(() => {
  // Only if the test failed before its own SIGTERM.
  if (child?.exitCode === null) child.kill('SIGKILL');
  data.remove();
});

describe('npm run relay', () => {
  it('starts signaling and relay on 127.0.0.1 with --port, --data-dir and --allow-origin, prints the URLs and stops on SIGTERM', async () => {
    const args = ['--port', '0', '--data-dir', data.dir, '--allow-origin', APP];
    const started = spawn(process.execPath, ['--import', 'tsx', 'sync/server/relay-main.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, HOST: '', PORT: '', RELAY_ALLOWED_ORIGINS: 'http://ignored.example' },
    });
    child = started;
    let output = '';
    const printed = new Promise<RegExpExecArray>((resolvePrinted, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /signaling: (ws:\/\/127\.0\.0\.1:\d+\/signal)\n\s+relay:\s+(ws:\S+?)(?:\/<roomId>| \(.*\))\n\s+blobs:\s+(http:\S+)\/<roomId>/.exec(output);
        if (match) resolvePrinted(match);
      };
      started.stdout.on('data', onData);
      started.stderr.on('data', onData);
      started.once('exit', (code) => reject(new Error(`relay exited with ${code}:\n${output}`)));
    });
    const [, signalingUrl = '', relayUrl = ''] = await printed;
    expect(output).toContain(data.dir);
    // The app's pages (served elsewhere) get in; other pages do not.
    for (const [origin, status] of [[APP, 0], ['http://ignored.example', 403], ['http://evil.example', 403]] as const) {
      const relayed = await upgradeStatus(relayUrl, { origin });
      const signaled = await upgradeStatus(signalingUrl, { origin });
      expect({ origin, relay: relayed.status, signaling: signaled.status }).toEqual({ origin, relay: status, signaling: status });
      relayed.ws.close();
      signaled.ws.close();
    }

    const signaling = new WebSocket(signalingUrl);
    await opened(signaling);
    signaling.send(JSON.stringify({ type: 'ping' }));
    const [pong] = (await once(signaling, 'message')) as [Buffer];
    expect(JSON.parse(pong.toString())).toEqual({ type: 'pong' });
    // Listening before the socket opens: the room may still be loaded from the loop above,
    // and then its sync step 1 arrives with the upgrade response.
    const first = await new Promise<Uint8Array>((resolveFirst) => {
      void RoomSocket.open(relayUrl, 'main-room-0123456789', { onFrame: resolveFirst }).then((socket) => socket.send(syncFrame(Y.encodeStateVector(new Y.Doc()), 0)));
    });
    // The relay opens the room with its sync step 1 (message type 0, step 0), before it answers ours.
    expect([first[0], first[1]]).toEqual([0, 0]);

    const exited = once(started, 'exit');
    started.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
  });
});
