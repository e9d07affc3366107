import type { RelayEngine } from './attach-sync.ts';
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
 * `--relay-engine y-websocket|hocuspocus`, else `RELAY_ENGINE`: which relay serves box docs
 * (attach-sync.ts). y-websocket until the Hocuspocus relay is the default (RELAY.md).
 */
export function relayEngineFlag(argv: readonly string[] = process.argv, env: string | undefined = process.env.RELAY_ENGINE): RelayEngine {
  const given = flag('relay-engine', argv) ?? (env || 'y-websocket');
  if (given !== 'y-websocket' && given !== 'hocuspocus') throw new Error(`--relay-engine ${given}: one of y-websocket, hocuspocus`);
  return given;
}

/** How the relay's socket URL is printed: y-websocket appends the room, Hocuspocus names it in each message. */
export function relayUrlLine(relayUrl: string, engine: RelayEngine): string {
  return engine === 'hocuspocus' ? `${relayUrl} (Hocuspocus: one socket, the room is each message's document name)` : `${relayUrl}/<roomId>`;
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
