import { join } from 'node:path';
import { tagFile } from '../../../ml/cli/tag-cli-file.ts';
import { loadTagModels } from '../../../ml/cli/tag-cli-models.ts';
import { PHOTOS, ROOT } from './bench-inputs.ts';

/** The five skimage photos committed as fixtures (tests/fixtures/photos/LICENSE.md). */
export const IMPORT_FIXTURES = ['astronaut.jpg', 'chelsea.jpg', 'coffee.jpg', 'motorcycle_left.jpg', 'page.png'];

export interface ImportThroughput {
  readonly photos: number;
  readonly threads: number;
  /** Photos tagged side by side, each on `threads` threads (the app's pool layout: workers x threads). */
  readonly inFlight: number;
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
 * With `inFlight` > 1, that many photos run side by side (onnxruntime-node runs each session
 * call off the JS thread), as the app's pool runs one photo per worker; the face pass is then
 * left out.
 */
export async function importThroughput(threads: number, repeat = 4, photoFiles?: readonly string[], inFlight = 1): Promise<ImportThroughput> {
  const models = await loadTagModels(join(ROOT, 'models'), threads);
  try {
    const files = photoFiles ?? Array.from({ length: repeat }, () => IMPORT_FIXTURES.map((f) => join(PHOTOS, f))).flat();
    // One untimed photo: the first run of each session allocates its arena.
    await tagFile(files[0]!, models);
    let labels = 0;
    let textLines = 0;
    // Without faces first: the app does not run the face step yet, so this stays its baseline.
    const t0 = performance.now();
    let next = 0;
    const lane = async (): Promise<void> => {
      for (let i = next++; i < files.length; i = next++) {
        const r = await tagFile(files[i]!, models, { faces: false });
        if (r.error) throw new Error(`${files[i]}: ${r.error}`);
        labels += r.labels.length;
        textLines += r.text.length;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, inFlight) }, lane));
    const seconds = (performance.now() - t0) / 1000;
    const base = { photos: files.length, threads, inFlight, seconds, photosPerSecond: files.length / seconds, labels, textLines };
    if (inFlight > 1) return base;
    let faces = 0;
    const t1 = performance.now();
    for (const file of files) faces += (await tagFile(file, models, { faces: true })).faces.length;
    const facesSeconds = (performance.now() - t1) / 1000;
    const withFaces = { seconds: facesSeconds, faces, msPerPhoto: ((facesSeconds - seconds) * 1000) / files.length, ratio: facesSeconds / seconds };
    return { ...base, withFaces };
  } finally {
    await models.release();
  }
}
