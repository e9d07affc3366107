import { resolve } from 'node:path';
import { allowedOriginsFlag, exitIfPortTaken, flag, limitFlags, parsePort, refuseRelayEngineFlag, relayUrlLine, scaleOutFlags } from './cli-flags.ts';
import { openScaleOutDocs } from './hocus/scale-out-docs.ts';
import { DEFAULT_RELAY_LIMITS } from './relay/relay-limits.ts';
import { openS3Blobs } from './relay/s3-blob-config.ts';
import { startRelayServer, type RelayServer } from './relay-server.ts';

/**
 * `npm run relay -- --host 127.0.0.1 --port 4444 --data-dir DIR [--allow-origin URL]... [--limit name=value]...
 * [--redis URL --postgres URL [--s3 URL --s3-bucket NAME]]`: signaling and relay without the app; with the
 * scale-out flags, signaling fans out through Redis, box docs are shared by every node through Redis and
 * PostgreSQL, and blobs live in S3 (RELAY.md "Scale-out").
 * Listens on 127.0.0.1 unless told otherwise: exposing
 * it is a choice. The app is served elsewhere, so its origin must be named for its pages to
 * get in (`--allow-origin` or `RELAY_ALLOWED_ORIGINS`).
 */
const host = flag('host') ?? (process.env.HOST || '127.0.0.1');
const port = parsePort(flag('port') ?? process.env.PORT, 4444);
const dataDir = resolve(flag('data-dir') ?? (process.env.RELAY_DATA_DIR || '.relay-data'));
const allowedOrigins = allowedOriginsFlag();
const limits = limitFlags();
refuseRelayEngineFlag();
const scaleOut = scaleOutFlags();
const { maxBlobBytes, maxRoomBlobBytes, maxTotalBytes } = { ...DEFAULT_RELAY_LIMITS, ...limits };
const s3Blobs = scaleOut.s3Url !== undefined && scaleOut.s3Bucket !== undefined && scaleOut.postgresUrl !== undefined
  ? await openS3Blobs({ s3Url: scaleOut.s3Url, bucket: scaleOut.s3Bucket, postgresUrl: scaleOut.postgresUrl, maxBlobBytes, maxRoomBlobBytes, maxTotalBytes })
  : undefined;
const scaleOutDocs = scaleOut.redisUrl !== undefined && scaleOut.postgresUrl !== undefined
  ? await openScaleOutDocs({ redisUrl: scaleOut.redisUrl, postgresUrl: scaleOut.postgresUrl })
  : undefined;

let relay: RelayServer | undefined;
try {
  relay = await startRelayServer({
    host,
    port,
    dataDir,
    allowedOrigins,
    limits,
      // One per-address cap for both servers: a client opens one of each per notebook.
    signalingLimits: limits.maxConnectionsPerIp === undefined ? {} : { maxConnectionsPerIp: limits.maxConnectionsPerIp },
    ...(scaleOut.redisUrl === undefined ? {} : { signalingRedisUrl: scaleOut.redisUrl }),
    ...(s3Blobs ? { blobStorage: s3Blobs.store } : {}),
    ...(scaleOutDocs ? { scaleOutDocs } : {}),
  });
} catch (error) {
  exitIfPortTaken(error, port, 'Pick another: npm run relay -- --port 4445 (or 0 for any free port).');
  throw error;
}
const running = relay;
console.log(`Obscura relay is running (data in ${dataDir})`);
console.log(`  signaling: ${running.signalingUrl}`);
console.log(`  relay:     ${relayUrlLine(running.relayUrl)}`);
console.log(`  blobs:     ${running.blobsUrl}/<roomId>/<hash>${s3Blobs ? ` (in S3 bucket ${scaleOut.s3Bucket}, uploads in PostgreSQL)` : ''}`);
// Credentials in the URLs stay out of the log.
if (scaleOut.redisUrl !== undefined) console.log(`  signaling fan-out: Redis at ${new URL(scaleOut.redisUrl).host}`);
if (scaleOutDocs && scaleOut.postgresUrl !== undefined) console.log(`  box docs: shared with every node (updates and write policies in PostgreSQL at ${new URL(scaleOut.postgresUrl).host})`);
console.log('  writes: only with the room\'s write capability (a key only its members hold)');
console.log(`  browser pages allowed from: ${running.allowedOrigins.join(', ')} (add the app's with --allow-origin URL)`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void running.close().then(() => Promise.all([s3Blobs?.close(), scaleOutDocs?.close()])).then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
