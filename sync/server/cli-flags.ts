import { normalizeOrigin, parseOriginList } from './origin-allow-list.ts';
import { DEFAULT_RELAY_LIMITS, type RelayLimits } from './relay/relay-limits.ts';

/**
 * The few command-line flags `npm start` and `npm run relay` take. A flag wins over its
 * environment variable, which wins over the default; a bad value stops the process with a
 * message instead of listening somewhere unexpected.
 */
export function flag(name: string, argv: readonly string[] = process.argv): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
  return value;
}

/** Every value of a repeatable flag (`--allow-origin A --allow-origin B`), in order. */
export function flagValues(name: string, argv: readonly string[] = process.argv): string[] {
  const values: string[] = [];
  argv.forEach((arg, i) => {
    if (arg !== `--${name}`) return;
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
    values.push(value);
  });
  return values;
}

/**
 * Browser origins besides the app's own that may use the relay and signaling servers:
 * `--allow-origin URL` (repeatable), else `RELAY_ALLOWED_ORIGINS` (comma-separated).
 */
export function allowedOriginsFlag(argv: readonly string[] = process.argv, env: string | undefined = process.env.RELAY_ALLOWED_ORIGINS): string[] {
  const given = flagValues('allow-origin', argv);
  return given.length > 0 ? given.map(normalizeOrigin) : parseOriginList(env);
}

/**
 * `--limit name=value` (repeatable) sets one of the relay's limits (relay-limits.ts, RELAY.md
 * "Limits"), e.g. `--limit maxRooms=200 --limit maxTotalBytes=4294967296`; a positive integer.
 */
export function limitFlags(argv: readonly string[] = process.argv): Partial<RelayLimits> {
  const limits: Record<string, number> = {};
  for (const given of flagValues('limit', argv)) {
    const [name = '', raw = ''] = given.split('=');
    const value = Number(raw);
    if (!(name in DEFAULT_RELAY_LIMITS)) throw new Error(`--limit ${given}: no such limit (one of ${Object.keys(DEFAULT_RELAY_LIMITS).join(', ')})`);
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--limit ${given}: the value must be a positive integer`);
    limits[name] = value;
  }
  return limits;
}

/**
 * `--relay-engine` (or `RELAY_ENGINE`) chose between the y-websocket relay and Hocuspocus
 * until the y-websocket one was removed: a script that still passes it is stopped with what
 * to do, rather than left believing it chose something.
 */
export function refuseRelayEngineFlag(argv: readonly string[] = process.argv, env: string | undefined = process.env.RELAY_ENGINE): void {
  const given = argv.includes('--relay-engine') ? '--relay-engine' : env ? 'RELAY_ENGINE' : undefined;
  if (given === undefined) return;
  throw new Error(
    `${given} is gone: the relay is Hocuspocus only (the y-websocket relay was removed, and a data directory it wrote is read as it is). Drop ${given}.`,
  );
}

/** How the relay's socket URL is printed: one socket, the room named in each message. */
export function relayUrlLine(relayUrl: string): string {
  return `${relayUrl} (Hocuspocus: one socket, the room is each message's document name)`;
}

export function parsePort(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`the port must be an integer 0-65535, got "${raw}"`);
  }
  return port;
}

/** Prints the usual fix for a taken port and exits; rethrows anything else. */
export function exitIfPortTaken(error: unknown, port: number, hint: string): void {
  if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
  console.error(`Port ${port} is in use. ${hint}`);
  process.exit(1);
}

/** The shared services of a scale-out relay node (RELAY.md "Scale-out"); all undefined: one embedded node. */
export interface ScaleOutFlags {
  /** `--redis URL` / RELAY_REDIS_URL: signaling fan-out (and shared rooms). */
  readonly redisUrl?: string;
  /** `--postgres URL` / RELAY_POSTGRES_URL: blob upload state and quotas (and box updates). */
  readonly postgresUrl?: string;
  /** `--s3 URL` / RELAY_S3_URL: the S3 endpoint, e.g. `http://KEY:SECRET@127.0.0.1:7480` (else AWS_* variables). */
  readonly s3Url?: string;
  /** `--s3-bucket NAME` / RELAY_S3_BUCKET. */
  readonly s3Bucket?: string;
}

/**
 * `--redis URL --postgres URL --s3 URL --s3-bucket NAME` (each also from its environment
 * variable). Redis and PostgreSQL go together; blobs in S3 need PostgreSQL for their upload
 * state (so Redis too), and a bucket.
 */
export function scaleOutFlags(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): ScaleOutFlags {
  const pick = (name: string, variable: string): string | undefined => flag(name, argv) ?? (env[variable] || undefined);
  const given = {
    redisUrl: pick('redis', 'RELAY_REDIS_URL'),
    postgresUrl: pick('postgres', 'RELAY_POSTGRES_URL'),
    s3Url: pick('s3', 'RELAY_S3_URL'),
    s3Bucket: pick('s3-bucket', 'RELAY_S3_BUCKET'),
  };
  const check = (value: string | undefined, name: string, protocols: readonly string[]) => {
    if (value === undefined) return;
    let protocol: string;
    try {
      protocol = new URL(value).protocol;
    } catch {
      throw new Error(`--${name}: not a URL`);
    }
    if (!protocols.includes(protocol)) throw new Error(`--${name}: expected ${protocols.join(' or ')} URL, got ${protocol}`);
  };
  check(given.redisUrl, 'redis', ['redis:', 'rediss:']);
  check(given.postgresUrl, 'postgres', ['postgres:', 'postgresql:']);
  check(given.s3Url, 's3', ['http:', 'https:']);
  if ((given.s3Url === undefined) !== (given.s3Bucket === undefined)) throw new Error('--s3 and --s3-bucket go together');
  if (given.s3Url !== undefined && given.postgresUrl === undefined) throw new Error('--s3 needs --postgres (where uploads in progress and quotas are kept)');
  if (given.s3Bucket !== undefined && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(given.s3Bucket)) throw new Error('--s3-bucket: 3-63 lowercase letters, digits, dots and hyphens');
  // Box docs are shared through both (RELAY.md "Scale-out: box docs"): one alone would leave
  // every node with rooms the others never hear of, or never store.
  const said = (name: string, variable: string) => (flag(name, argv) === undefined ? variable : `--${name}`);
  const pair = 'rooms are shared through Redis and stored in PostgreSQL';
  if (given.redisUrl !== undefined && given.postgresUrl === undefined) {
    throw new Error(`${said('redis', 'RELAY_REDIS_URL')} needs --postgres too: ${pair}. Add --postgres postgres://USER:PASSWORD@HOST:5432/DATABASE (or RELAY_POSTGRES_URL), or drop --redis for one node on its data directory.`);
  }
  if (given.postgresUrl !== undefined && given.redisUrl === undefined) {
    throw new Error(`${said('postgres', 'RELAY_POSTGRES_URL')} needs --redis too: ${pair}. Add --redis redis://[:PASSWORD@]HOST:6379 (or RELAY_REDIS_URL), or drop --postgres for one node on its data directory.`);
  }
  return Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as ScaleOutFlags;
}
