import { defineConfig } from 'vitest/config';
import solid from 'vite-plugin-solid';
import { ISOLATION_HEADERS } from './sync/server/isolation-headers.ts';
import { modelsPlugin, ortExternWasmPlugin } from './models/vite-plugin-models.ts';

// Every server we run sends the cross-origin isolation headers: without them
// onnxruntime-web silently drops to one thread (ARCHITECTURE §5).
export default defineConfig({
  // modelsPlugin: models, label files and onnxruntime-web's wasm from our own origin.
  plugins: [solid(), modelsPlugin(), ortExternWasmPlugin()],
  server: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
  build: { target: 'es2022', sourcemap: true },
  worker: { format: 'es', plugins: () => [ortExternWasmPlugin()] },
  test: {
    environment: 'node',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // vite-plugin-solid would pick jsdom; crypto and sync run in Node.
          environment: 'node',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/harness/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
