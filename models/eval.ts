/**
 * `npm run eval -- <dir>`: how far the tags and text of a labelled photo set
 * are from its expected.json. The logic lives in ./eval-cli.ts so tests can
 * import it; the format and the figures: ./README.md "Evaluation".
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runEvalCli } from './eval-cli.ts';

process.exitCode = await runEvalCli(process.argv.slice(2), dirname(fileURLToPath(import.meta.url)), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
