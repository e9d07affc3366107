/**
 * `npm run tag -- [--json] <photo> [photo ...]`: runs the app's detector and
 * OCR pipelines on photos with onnxruntime-node and prints the labels and text
 * the app would store. The logic lives in ./tag-cli.ts so tests can import it;
 * usage, output and exit status: ../../README.md "The tag CLI".
 */
import { fileURLToPath } from 'node:url';
import { runTagCli } from './tag-cli.ts';

process.exitCode = await runTagCli(process.argv.slice(2), fileURLToPath(new URL('../../models', import.meta.url)), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
