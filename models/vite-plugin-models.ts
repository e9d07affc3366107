import { createReadStream, existsSync, statSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import type { Plugin } from 'vite';
import { parseModelManifest, pinnedFiles } from '../ml/runtime/model-manifest.ts';
import manifestJson from './manifest.json' with { type: 'json' };
import { checkOrtFiles, ORT_PINS } from './ort-files.ts';

const ROOT = resolve(import.meta.dirname, '..');
const ORT_DIST = join(ROOT, 'node_modules', 'onnxruntime-web', 'dist');
/** The wasm builds ml/runtime/load-ort-web.ts may ask for: plain (CPU) and asyncify (WebGPU), pinned in ort-files.json. */
const ORT_FILES = ORT_PINS.files.map((f) => f.file);
/**
 * The "extern wasm" builds of onnxruntime-web. Its default ".bundle" builds
 * embed the glue and reference the wasm with new URL(..., import.meta.url),
 * which Vite copies into assets/ a second time (14 + 27 MB) and which would
 * make ORT's pthread workers load our bundled chunk; we host the files once.
 */
const ORT_ENTRIES: Record<string, string> = {
  'onnxruntime-web/wasm': join(ORT_DIST, 'ort.wasm.min.mjs'),
  'onnxruntime-web/webgpu': join(ORT_DIST, 'ort.webgpu.min.mjs'),
};
const TYPES: Record<string, string> = { '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.txt': 'text/plain; charset=utf-8' };

/** URL path (under the base) -> file on disk: every pinned model/label file, and ORT's wasm. */
function servedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of pinnedFiles(parseModelManifest(manifestJson))) files.set(`models/${f.file}`, join(ROOT, 'models', f.file));
  for (const f of ORT_FILES) files.set(`ort/${f}`, join(ORT_DIST, f));
  return files;
}

/**
 * Resolve onnxruntime-web to its extern-wasm builds (see ORT_ENTRIES). Vite
 * builds workers with their own plugin list: use it in `worker.plugins` too.
 */
export function ortExternWasmPlugin(): Plugin {
  return {
    name: 'obscura-ort-extern-wasm',
    enforce: 'pre',
    // Node tests import onnxruntime-web's Node-capable default build; leave them be.
    apply: (_config, env) => env.mode !== 'test',
    resolveId: (source) => ORT_ENTRIES[source] ?? null,
  };
}

/**
 * Serve models and onnxruntime-web's wasm from the app's own origin: no CDN,
 * no model hub (ARCHITECTURE §5, §8). In dev they are streamed from disk; a
 * build copies them into the output as they are (no hashing: the manifest's
 * sha256 already pins the models, and ORT asks for fixed wasm names).
 */
export function modelsPlugin(): Plugin {
  let outDir = '';
  let base = '/';
  return {
    name: 'obscura-models',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
      base = config.base;
    },
    configureServer(server) {
      checkOrtFiles(ORT_DIST);
      const files = servedFiles();
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
        const file = path.startsWith(base) ? files.get(path.slice(base.length)) : undefined;
        if (!file || !existsSync(file)) return next();
        // Vite adds server.headers per middleware, not globally; ORT's pthread
        // workers need COEP on their script or the isolated page refuses them.
        for (const [name, value] of Object.entries(server.config.server.headers ?? {})) res.setHeader(name, String(value));
        res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
        res.setHeader('Content-Length', statSync(file).size);
        createReadStream(file).pipe(res);
      });
    },
    async writeBundle() {
      checkOrtFiles(ORT_DIST);
      for (const [path, file] of servedFiles()) {
        if (!existsSync(file)) throw new Error(`${file} is missing: run npm run models`);
        const target = join(outDir, path);
        await mkdir(dirname(target), { recursive: true });
        await copyFile(file, target);
      }
    },
  };
}
