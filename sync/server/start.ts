import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAppServer } from './app-server.ts';
import { ensureBuild } from './ensure-build.ts';

/** `npm start`: build if needed, then serve the app on 127.0.0.1 from one process. */
function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 8080;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer 0-65535, got "${raw}"`);
  }
  return port;
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const distDir = join(root, 'dist');
const host = flag('host') ?? process.env.HOST ?? '127.0.0.1';
const port = parsePort(flag('port') ?? process.env.PORT);

const state = await ensureBuild(root, distDir);
if (state === 'built') console.log('Built the app into dist/.');
let app;
try {
  app = await startAppServer({ distDir, host, port });
} catch (error) {
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`Port ${port} is in use. Pick another: PORT=8081 npm start (or PORT=0 for any free port).`);
    process.exit(1);
  }
  throw error;
}
// Issue "P2P sync": the signaling server and relay attach to app.server here.
console.log(`Obscura is running at ${app.url}`);

const stop = () => void app.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
