/** Defined by vite.config.ts: true only in the e2e build (`--mode e2e`); see src/app/test-hooks.ts. */
declare const __OBSCURA_TEST_HOOKS__: boolean;
/** Defined by vite.config.ts: the cache the service worker keeps onnxruntime's WebGPU build in (models/ort-files.ts). */
declare const __OBSCURA_ORT_CACHE__: string;
