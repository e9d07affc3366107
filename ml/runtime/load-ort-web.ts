import type { BackendChoice } from './choose-backend.ts';
import type { OrtLike } from './ort-like.ts';

/** Where the build puts onnxruntime-web's wasm and glue (models/vite-plugin-models.ts). */
export const ORT_ASSET_DIR = 'ort/';

/**
 * Load onnxruntime-web for the chosen backend, on first use only (the worker
 * and ORT are not in the initial app bundle).
 *
 * Note: `onnxruntime-web/wasm` ships a 14 MB wasm; the WebGPU build's
 * asyncify wasm is 27 MB and is only worth it with a real GPU. wasmPaths names both
 * the .mjs glue and the .wasm on our own origin: with the .mjs given, ORT
 * imports it from there and its pthread workers load that same same-origin
 * file, instead of guessing URLs inside our bundled chunk.
 */
export async function loadOrtWeb(choice: BackendChoice, assetBaseUrl: string): Promise<OrtLike> {
  const webgpu = choice.backend === 'webgpu';
  const ort = webgpu ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm');
  const flavour = webgpu ? 'ort-wasm-simd-threaded.asyncify' : 'ort-wasm-simd-threaded';
  const base = new URL(ORT_ASSET_DIR, assetBaseUrl);
  ort.env.wasm.wasmPaths = { mjs: new URL(`${flavour}.mjs`, base).href, wasm: new URL(`${flavour}.wasm`, base).href };
  ort.env.wasm.numThreads = choice.threads;
  // We are already in a worker; ORT's own proxy worker would be a second hop.
  ort.env.wasm.proxy = false;
  const executionProviders = webgpu ? ['webgpu', 'wasm'] : ['wasm'];
  return {
    Tensor: ort.Tensor,
    effectiveThreads: () => ort.env.wasm.numThreads ?? 1,
    createSession: (bytes) => ort.InferenceSession.create(bytes, { executionProviders, graphOptimizationLevel: 'all' }),
  };
}
