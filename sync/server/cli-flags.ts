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
