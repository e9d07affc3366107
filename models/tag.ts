/**
 * `npm run tag -- photo.jpg [more.jpg ...]`: runs the object detector from
 * models/manifest.json on photos with onnxruntime-node and prints the labels
 * the app would store. A quick way to try a model change on real photos.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { detectObjects } from '../ml/detect/detect-objects.ts';
import { CENTERNET_IO, parseLabels } from '../ml/detect/detection.ts';
import { decodeNode } from '../ml/image/decode-node.ts';
import { sha256File } from './build-models.ts';
import { parseModelManifest } from './manifest.ts';

const dir = dirname(fileURLToPath(import.meta.url));
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: npm run tag -- <photo> [photo ...]');
  process.exit(2);
}
const manifest = parseModelManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
const entry = manifest.models.find((m) => m.task === 'detect');
if (!entry?.labels) throw new Error('manifest.json has no detector');
const modelPath = join(dir, entry.file);
// Same rule as the app: a model that does not match its pinned hash is not run.
const actual = await sha256File(modelPath).catch(() => undefined);
if (actual?.sha256 !== entry.sha256) {
  console.error(`${entry.file} is missing or does not match manifest.json; run \`npm run models\``);
  process.exit(1);
}
const labels = parseLabels(await readFile(join(dir, entry.labels.file), 'utf8'));
const session = await ort.InferenceSession.create(modelPath);
const model = { id: entry.id, version: entry.version, labels, ...CENTERNET_IO };
for (const file of files) {
  const decoded = await decodeNode(new Uint8Array(await readFile(file)), { maxPixels: 4_000_000 });
  if (!decoded.ok) {
    console.log(`${file}: ${decoded.code} ${decoded.message}`);
    continue;
  }
  const t0 = performance.now();
  const found = await detectObjects(decoded.image, session, { model, Tensor: ort.Tensor });
  console.log(`${file} (${decoded.image.width}x${decoded.image.height}, ${Math.round(performance.now() - t0)} ms)`);
  for (const d of found) {
    console.log(`  ${d.label.padEnd(14)} ${d.score.toFixed(2)}  [${d.box.map((v) => Math.round(v)).join(', ')}]`);
  }
  if (found.length === 0) console.log('  (nothing above the score threshold)');
}
