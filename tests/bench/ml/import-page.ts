/**
 * The import-throughput page (bundled by esbuild in chromium-import.ts): the
 * app's own tagger (ml/worker/tagger.ts: decode -> detect -> OCR) with the
 * browser decoder and onnxruntime-web threaded wasm, fed the fixture photos
 * one after another. It runs on the page's main thread rather than in the ML
 * worker; the work per photo is the same.
 */
import { parseModelManifest } from '../../../ml/runtime/model-manifest.ts';
import { decodeBrowser } from '../../../ml/image/decode-browser.ts';
import { fetchFromOrigin } from '../../../ml/runtime/fetch-model-file.ts';
import { loadOrtWeb } from '../../../ml/runtime/load-ort-web.ts';
import { createTagger } from '../../../ml/worker/tagger.ts';

export interface PageImportResult {
  readonly photos: number;
  readonly seconds: number;
  /** First photo: session creation for every model plus one tag, not in `seconds`. */
  readonly firstMs: number;
  readonly labels: number;
  readonly textLines: number;
  readonly errors: string[];
  readonly crossOriginIsolated: boolean;
}

async function importPhotos(urls: readonly string[], threads: number): Promise<PageImportResult> {
  const base = new URL('/', location.href).href;
  const manifest = parseModelManifest(await (await fetch('/models/manifest.json')).json());
  const crossOriginIsolated = globalThis.crossOriginIsolated;
  const tagger = createTagger({
    manifest,
    chooseBackend: () => Promise.resolve({ backend: 'wasm', threads, crossOriginIsolated }),
    loadOrt: (choice) => loadOrtWeb(choice, base),
    fetchFile: fetchFromOrigin(new URL('models/', base).href),
    decode: decodeBrowser,
  });
  const bytes = await Promise.all(urls.map(async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer())));
  const t0 = performance.now();
  await tagger.tag(bytes[0]!.slice(), {});
  const firstMs = performance.now() - t0;
  let labels = 0;
  let textLines = 0;
  const errors: string[] = [];
  const t1 = performance.now();
  for (const [i, b] of bytes.entries()) {
    const r = await tagger.tag(b.slice(), {});
    if (r.error) errors.push(`${urls[i]}: ${r.error.code} ${r.error.message}`);
    labels += r.labels.length;
    textLines += r.text.length;
  }
  const seconds = (performance.now() - t1) / 1000;
  return { photos: bytes.length, seconds, firstMs, labels, textLines, errors, crossOriginIsolated };
}

(globalThis as { obscuraImport?: typeof importPhotos }).obscuraImport = importPhotos;
