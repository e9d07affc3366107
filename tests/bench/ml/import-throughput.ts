import { join } from 'node:path';
import { tagFile } from '../../../models/tag-cli-file.ts';
import { loadTagModels } from '../../../models/tag-cli-models.ts';
import { PHOTOS, ROOT } from './bench-inputs.ts';

/** The five skimage photos committed as fixtures (tests/fixtures/photos/LICENSE.md). */
export const IMPORT_FIXTURES = ['astronaut.jpg', 'chelsea.jpg', 'coffee.jpg', 'motorcycle_left.jpg', 'page.png'];

export interface ImportThroughput {
  readonly photos: number;
  readonly threads: number;
  readonly seconds: number;
  readonly photosPerSecond: number;
  /** Where the time went, summed over all photos. */
  readonly labels: number;
  readonly textLines: number;
}

/**
 * End-to-end import as the app does it, in Node with onnxruntime-node: read
 * the file, decode (sharp), detect objects, read text (det + cls + rec), for
 * every fixture `repeat` times (or each of `photoFiles` once), one photo after another. Uses the tag CLI's
 * code path (verified models, the same pipelines) so this measures what ships.
 */
export async function importThroughput(threads: number, repeat = 4, photoFiles?: readonly string[]): Promise<ImportThroughput> {
  const models = await loadTagModels(join(ROOT, 'models'), threads);
  try {
    const files = photoFiles ?? Array.from({ length: repeat }, () => IMPORT_FIXTURES.map((f) => join(PHOTOS, f))).flat();
    // One untimed photo: the first run of each session allocates its arena.
    await tagFile(files[0]!, models);
    let labels = 0;
    let textLines = 0;
    const t0 = performance.now();
    for (const file of files) {
      const r = await tagFile(file, models);
      if (r.error) throw new Error(`${file}: ${r.error}`);
      labels += r.labels.length;
      textLines += r.text.length;
    }
    const seconds = (performance.now() - t0) / 1000;
    return { photos: files.length, threads, seconds, photosPerSecond: files.length / seconds, labels, textLines };
  } finally {
    await models.release();
  }
}
