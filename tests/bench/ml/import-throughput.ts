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
  /** The same photos again with the face step (BlazeFace + FaceRes per face), in the same run. */
  readonly withFaces?: { readonly seconds: number; readonly faces: number; readonly msPerPhoto: number; readonly ratio: number };
}

/**
 * End-to-end import as the app does it, in Node with onnxruntime-node: read
 * the file, decode (sharp), detect objects, read text (det + cls + rec), for
 * every fixture `repeat` times (or each of `photoFiles` once), one photo after another. Uses the tag CLI's
 * code path (verified models, the same pipelines) so this measures what ships. Then the same
 * photos with the face step too: its cost per photo is the difference, measured in one run.
 * Not one pass each interleaved: the two passes see the same machine within seconds.
 */
export async function importThroughput(threads: number, repeat = 4, photoFiles?: readonly string[]): Promise<ImportThroughput> {
  const models = await loadTagModels(join(ROOT, 'models'), threads);
  try {
    const files = photoFiles ?? Array.from({ length: repeat }, () => IMPORT_FIXTURES.map((f) => join(PHOTOS, f))).flat();
    // One untimed photo: the first run of each session allocates its arena.
    await tagFile(files[0]!, models);
    let labels = 0;
    let textLines = 0;
    // Without faces first: the app does not run the face step yet, so this stays its baseline.
    const t0 = performance.now();
    for (const file of files) {
      const r = await tagFile(file, models, { faces: false });
      if (r.error) throw new Error(`${file}: ${r.error}`);
      labels += r.labels.length;
      textLines += r.text.length;
    }
    const seconds = (performance.now() - t0) / 1000;
    let faces = 0;
    const t1 = performance.now();
    for (const file of files) faces += (await tagFile(file, models, { faces: true })).faces.length;
    const facesSeconds = (performance.now() - t1) / 1000;
    const withFaces = { seconds: facesSeconds, faces, msPerPhoto: ((facesSeconds - seconds) * 1000) / files.length, ratio: facesSeconds / seconds };
    return { photos: files.length, threads, seconds, photosPerSecond: files.length / seconds, labels, textLines, withFaces };
  } finally {
    await models.release();
  }
}
