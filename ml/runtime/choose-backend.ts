/** What the runtime picked, reported by debugInfo(). */
export type BackendChoice = {
  readonly backend: 'wasm' | 'webgpu';
  /** wasm threads; 1 for webgpu (ORT runs kernels on the GPU). */
  readonly threads: number;
  readonly crossOriginIsolated: boolean;
};

/** The parts of GPUAdapter we read; older Chromium had isFallbackAdapter on the adapter. */
type AdapterLike = { readonly isFallbackAdapter?: boolean; readonly info?: { readonly isFallbackAdapter?: boolean } };

/** The parts of navigator/globalThis we read, so tests can pass plain objects. */
export type BackendEnvironment = {
  readonly gpu?: { requestAdapter(): Promise<AdapterLike | null> };
  readonly hardwareConcurrency?: number;
  readonly crossOriginIsolated: boolean;
  /** This worker's share of the cores when the app runs several ML workers (ml/worker/ml-worker-pool.ts). */
  readonly maxThreads?: number;
};

/**
 * WebGPU only with a real adapter; otherwise threaded wasm.
 *
 * Note: a SwiftShader fallback adapter took 20 s per run on this kind of
 * machine against ~0.2 s for wasm, so a fallback adapter counts as no GPU.
 * Without cross-origin isolation there is no SharedArrayBuffer and ORT would
 * silently drop to one thread; we say 1 up front so debugInfo() tells the truth.
 */
export async function chooseBackend(env: BackendEnvironment): Promise<BackendChoice> {
  const crossOriginIsolated = env.crossOriginIsolated;
  let adapter: AdapterLike | null = null;
  try {
    adapter = (await env.gpu?.requestAdapter()) ?? null;
  } catch {
    adapter = null; // a broken WebGPU stack is no GPU
  }
  const fallback = adapter?.info?.isFallbackAdapter === true || adapter?.isFallbackAdapter === true;
  if (adapter && !fallback) return { backend: 'webgpu', threads: 1, crossOriginIsolated };
  const cores = env.hardwareConcurrency ?? 1;
  const threads = crossOriginIsolated ? Math.max(1, Math.floor(Math.min(cores, env.maxThreads ?? cores))) : 1;
  return { backend: 'wasm', threads, crossOriginIsolated };
}

/** The running global's environment (window or worker). */
export function currentEnvironment(): BackendEnvironment {
  const nav = globalThis.navigator as (Navigator & { gpu?: BackendEnvironment['gpu'] }) | undefined;
  return {
    gpu: nav?.gpu,
    hardwareConcurrency: nav?.hardwareConcurrency,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
  };
}
