/**
 * The TF.js baseline of the import bench (bundled by esbuild in human-import.ts): what a web
 * app that tags photos uses today, @vladmandic/human's object detector (the same CenterNet
 * weights we convert) with Human's own preprocessing, on TF.js's threaded SIMD wasm backend,
 * on the page's main thread. Each photo: its bytes -> createImageBitmap -> human.detect.
 */
import { Human, type Config } from '@vladmandic/human';

export interface HumanImportResult {
  readonly photos: number;
  readonly seconds: number;
  readonly perPhotoMs: number[];
  /** Labels per photo name, best first, at Human's default 0.2 minimum confidence. */
  readonly labels: Record<string, string[]>;
  readonly firstMs: number;
  readonly backend: string;
  readonly threads: number;
  readonly crossOriginIsolated: boolean;
}

const config: Partial<Config> = {
  backend: 'wasm',
  wasmPath: '/tfjs/',
  modelBasePath: '/tfjs-model/',
  warmup: 'none',
  // Human skips a frame that looks like the last one (video); every photo here is new.
  cacheSensitivity: 0,
  face: { enabled: false },
  body: { enabled: false },
  hand: { enabled: false },
  gesture: { enabled: false },
  segmentation: { enabled: false },
  object: { enabled: true, modelPath: 'centernet.json', minConfidence: 0.2, iouThreshold: 0.4, maxDetected: 10, skipFrames: 0, skipTime: 0 },
} as Partial<Config>;

async function detectAll(names: readonly string[], threads: number): Promise<HumanImportResult> {
  const human = new Human(config);
  human.tf.setThreadsCount(threads);
  const bytes = await Promise.all(names.map(async (n) => new Blob([await (await fetch(`/import-photos/${n}`)).arrayBuffer()], { type: 'image/jpeg' })));
  const labels: Record<string, string[]> = {};
  const once = async (i: number): Promise<number> => {
    const t0 = performance.now();
    const bitmap = await createImageBitmap(bytes[i]!, { imageOrientation: 'from-image' });
    try {
      const r = await human.detect(bitmap);
      labels[names[i]!] = r.object.map((o) => o.label);
    } finally {
      bitmap.close();
    }
    return performance.now() - t0;
  };
  const t0 = performance.now();
  await human.load();
  await once(0); // model load, wasm compile and first run: like the app's first photo, not in `seconds`
  const firstMs = performance.now() - t0;
  const perPhotoMs: number[] = [];
  const t1 = performance.now();
  for (let i = 0; i < names.length; i++) perPhotoMs.push(await once(i));
  const seconds = (performance.now() - t1) / 1000;
  return {
    photos: names.length,
    seconds,
    perPhotoMs,
    labels,
    firstMs,
    backend: human.tf.getBackend(),
    threads: (human.tf as { getThreadsCount(): number }).getThreadsCount(),
    crossOriginIsolated: globalThis.crossOriginIsolated,
  };
}

(globalThis as { humanImport?: typeof detectAll }).humanImport = detectAll;
