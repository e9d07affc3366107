/** What `npm run tag -- ...` was asked to do. */
export type TagArgs =
  | { kind: 'help' }
  | { kind: 'usage-error'; message: string }
  | { kind: 'run'; files: string[]; json: boolean; embeddings: boolean; threads: number | undefined };

export const TAG_USAGE = `usage: npm run tag -- [--json] [--threads N] <image> [image ...]

Runs the on-device pipelines (object detector, PP-OCRv4 text reader, face
detector + embedder) on photos with onnxruntime-node and prints what the app
would store for each one.

  --json        print only a JSON array on stdout, one object per file
                ({file, labels, candidates, text, faces, ms, error?}); faces
                are {box, score}; progress goes to stderr
  --embeddings  with --json, also each face's embedding (1024 numbers that
                identify the person: keep them to yourself)
  --threads N   intra-op threads per model (default: onnxruntime's choice)
  -h, --help    show this help

Exit status: 0 when every file was read, 1 when any file failed (or the
models are missing or do not match models/manifest.json), 2 on bad usage.`;

/**
 * Parses argv after the script name. `--` ends options so a file called
 * "--json" can still be tagged.
 */
export function parseTagArgs(argv: readonly string[]): TagArgs {
  const files: string[] = [];
  let json = false;
  let embeddings = false;
  let threads: number | undefined;
  let optionsDone = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (optionsDone || !arg.startsWith('-') || arg === '-') {
      files.push(arg);
    } else if (arg === '--') {
      optionsDone = true;
    } else if (arg === '-h' || arg === '--help') {
      return { kind: 'help' };
    } else if (arg === '--json') {
      json = true;
    } else if (arg === '--embeddings') {
      embeddings = true;
    } else if (arg === '--threads' || arg.startsWith('--threads=')) {
      const value = arg.includes('=') ? arg.slice('--threads='.length) : argv[++i];
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 64) {
        return { kind: 'usage-error', message: `--threads needs a whole number 1..64, got ${value ?? 'nothing'}` };
      }
      threads = n;
    } else {
      return { kind: 'usage-error', message: `unknown option ${arg}` };
    }
  }
  if (files.length === 0) return { kind: 'usage-error', message: 'no image files given' };
  if (embeddings && !json) return { kind: 'usage-error', message: '--embeddings needs --json' };
  return { kind: 'run', files, json, embeddings, threads };
}
