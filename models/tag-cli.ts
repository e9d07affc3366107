import { parseTagArgs, TAG_USAGE } from './tag-cli-args.ts';
import { tagFile, type TagResult } from './tag-cli-file.ts';
import { loadTagModels, type TagModels } from './tag-cli-models.ts';
import { formatTagTable } from './tag-cli-table.ts';

export type { TagResult };

export interface TagIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * The whole CLI as a function (models/tag.ts only calls it), so tests can run
 * it in-process too. Returns the exit status.
 *
 * Note: with --json, stdout carries exactly one JSON document and nothing
 * else, so `npm run tag -- --json a.jpg | jq` works; every log line goes to
 * stderr.
 */
export async function runTagCli(argv: readonly string[], modelsDir: string, io: TagIo): Promise<number> {
  const args = parseTagArgs(argv);
  if (args.kind === 'help') {
    io.stdout(`${TAG_USAGE}\n`);
    return 0;
  }
  if (args.kind === 'usage-error') {
    io.stderr(`tag: ${args.message}\n${TAG_USAGE}\n`);
    return 2;
  }
  let models: TagModels;
  const t0 = performance.now();
  try {
    models = await loadTagModels(modelsDir, args.threads);
  } catch (err: unknown) {
    io.stderr(`tag: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  io.stderr(`tag: models verified and loaded in ${Math.round(performance.now() - t0)} ms\n`);
  const results: TagResult[] = [];
  try {
    for (const file of args.files) {
      const result = await tagFile(file, models, { embeddings: args.embeddings });
      results.push(result);
      if (args.json) io.stderr(`tag: ${file}: ${result.error ?? `${result.labels.length} labels, ${result.text.length} text lines, ${result.faces.length} faces`}\n`);
    }
  } finally {
    await models.release();
  }
  io.stdout(args.json ? `${JSON.stringify(results, null, 2)}\n` : formatTagTable(results));
  return results.some((r) => r.error !== undefined) ? 1 : 0;
}
