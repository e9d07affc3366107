import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAppServer, type AppServer } from './app-server.ts';
import { attachSync } from './attach-sync.ts';
import { allowedOriginsFlag, exitIfPortTaken, flag, limitFlags, parsePort, refuseRelayEngineFlag, relayUrlLine } from './cli-flags.ts';
import { ensureBuild } from './ensure-build.ts';

/**
 * `npm start`: build if needed, then serve the app, the signaling server and the relay
 * from one process on one port of 127.0.0.1 (ARCHITECTURE §4).
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const distDir = join(root, 'dist');
const host = flag('host') ?? (process.env.HOST || '127.0.0.1');
const port = parsePort(flag('port') ?? process.env.PORT, 8080);
const dataDir = resolve(flag('data-dir') ?? (process.env.RELAY_DATA_DIR || join(root, '.relay-data')));
const allowedOrigins = allowedOriginsFlag();
const limits = limitFlags();
refuseRelayEngineFlag();

const state = await ensureBuild(root, distDir);
if (state === 'built') console.log('Built the app into dist/.');
let started: AppServer | undefined;
try {
  started = await startAppServer({ distDir, host, port });
} catch (error) {
  exitIfPortTaken(error, port, 'Pick another: PORT=8081 npm start (or PORT=0 for any free port).');
  throw error;
}
const app = started;
const sync = await attachSync({
  server: app.server,
  baseUrl: app.url,
  addRoute: app.addRoute,
  dataDir,
  allowedOrigins,
  limits,
  signalingLimits: limits.maxConnectionsPerIp === undefined ? {} : { maxConnectionsPerIp: limits.maxConnectionsPerIp },
});
console.log(`Obscura is running at ${app.url}`);
console.log(`  signaling: ${sync.signalingUrl}`);
console.log(`  relay:     ${relayUrlLine(sync.relayUrl)} (data in ${dataDir})`);
console.log(`  blobs:     ${sync.blobsUrl}/<roomId>/<hash>`);
console.log(`  browser pages allowed from: ${sync.allowedOrigins.join(', ')}`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  // The relay first: the HTTP server's close waits for its open WebSockets.
  void sync.close().then(() => app.close()).then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
