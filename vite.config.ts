import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { configDefaults, defineConfig } from 'vitest/config';
import solid from 'vite-plugin-solid';
import { VitePWA } from 'vite-plugin-pwa';
import { ISOLATION_HEADERS } from './sync/server/isolation-headers.ts';
import { META_CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from './sync/server/security-headers.ts';
import { modelsPlugin, ortExternWasmPlugin } from './models/vite-plugin-models.ts';
import { parseModelManifest, pinnedFiles } from './ml/runtime/model-manifest.ts';
import manifestJson from './models/manifest.json' with { type: 'json' };
import { integrityOf, ORT_PINS, ortWebGpuCacheName } from './models/ort-files.ts';

/** Every pinned file of the build, by its URL under the base, as subresource integrity. */
const PINNED_INTEGRITY = new Map<string, string>([
  ...pinnedFiles(parseModelManifest(manifestJson)).map((f): [string, string] => [`models/${f.file}`, integrityOf(f.sha256)]),
  ...ORT_PINS.files.map((f): [string, string] => [`ort/${f.file}`, integrityOf(f.sha256)]),
]);
const ORT_WEBGPU_CACHE = ortWebGpuCacheName();
/**
 * The face models (7.6 MB) serve "Group faces" only, off by default: they stay out of the
 * precache and are cached when first fetched (the setting turned on), each with its pin as
 * integrity, like the WebGPU build (a cache left by an older model is not removed yet).
 * tests/e2e/people.test.ts checks the built sw.js.
 */
const FACE_MODEL_FILES = parseModelManifest(manifestJson)
  .models.filter((m) => m.task === 'face-detect' || m.task === 'face-embed')
  .flatMap((m) => (m.labels ? [m, m.labels] : [m]));
/** Named after the file's pin: a new model is a new cache, never a stale copy served CacheFirst. */
const faceModelCache = (sha256: string) => `obscura-face-model-${sha256.slice(0, 16)}`;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The service worker (Workbox generateSW, bundled into dist/sw.js: nothing is fetched
 * from a CDN) and the web app manifest. main.tsx registers it.
 *
 * Models and onnxruntime's CPU wasm (~34 MB) are precached with a raised size limit, not
 * cached on first use: tagging is the product, and a user who installs the app and goes
 * offline before importing a photo must still get labels. They are pinned (sha256 in
 * models/manifest.json and models/ort-files.json), and the precache fetches each with its
 * pin as subresource integrity: a response with other bytes fails the install instead of
 * becoming code in the worker that sees plaintext photos. A new app version re-downloads
 * only the files whose revision changed. The WebGPU (asyncify) build, 27 MB that only
 * WebGPU devices ask for, is cached when first fetched, one route per file with its pin as
 * integrity, in a cache named after its pin: a new build of it is a new cache (main.tsx
 * drops the others, and the unversioned cache older versions kept forever), and a bad
 * response is refused, never cached (tests/e2e/service-worker-ort.test.ts).
 *
 * Cached responses keep the headers they were fetched with, and every response of our
 * server carries COOP/COEP/CORP and the CSP with frame-ancestors (sync/server/app-server.ts),
 * so a page served from the cache stays crossOriginIsolated and unframeable
 * (tests/e2e/offline-app.test.ts checks both).
 *
 * No skipWaiting: a new version takes over once every tab of the old one is closed, so a
 * running page never meets a cache that lacks the lazy chunks it was built with.
 */
function offlinePlugin() {
  return VitePWA({
    strategies: 'generateSW',
    injectRegister: null,
    includeAssets: ['icons/icon.svg', 'icons/apple-touch-icon.png'],
    manifest: {
      name: 'Obscura',
      short_name: 'Obscura',
      description: 'Private photo notes that tag themselves.',
      theme_color: '#1d2433',
      background_color: '#1d2433',
      display: 'standalone',
      start_url: '/',
      scope: '/',
      icons: [
        { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
        { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        { src: '/icons/icon.svg', sizes: 'any', type: 'image/svg+xml' },
      ],
    },
    workbox: {
      globPatterns: ['**/*.{js,mjs,css,html,svg,png,webmanifest,txt,json,onnx,wasm}'],
      globIgnores: ['**/*.asyncify.*', '.build-stamp', ...FACE_MODEL_FILES.map((f) => `models/${f.file}`)],
      maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
      manifestTransforms: [
        (entries) => {
          const manifest = entries.map((e) => {
            const integrity = PINNED_INTEGRITY.get(e.url);
            return integrity ? { ...e, integrity } : e;
          });
          const pinnedCpu = ORT_PINS.files.filter((f) => !f.file.includes('.asyncify.')).map((f) => `ort/${f.file}`);
          const missing = pinnedCpu.filter((url) => !manifest.some((e) => e.url === url && e.integrity));
          if (missing.length > 0) throw new Error(`precache lacks the pinned ${missing.join(', ')}`);
          return { manifest, warnings: [] };
        },
      ],
      clientsClaim: true,
      skipWaiting: false,
      cleanupOutdatedCaches: true,
      navigateFallback: 'index.html',
      // The relay's blob API and WebSockets are the network's business, never the shell's.
      navigateFallbackDenylist: [/^\/relay/, /^\/signal/],
      runtimeCaching: [
        ...ORT_PINS.files
          .filter((f) => f.file.includes('.asyncify.'))
          .map((f) => ({
            urlPattern: new RegExp(`/ort/${escapeRegExp(f.file)}$`),
            handler: 'CacheFirst' as const,
            options: { cacheName: ORT_WEBGPU_CACHE, fetchOptions: { integrity: integrityOf(f.sha256) }, cacheableResponse: { statuses: [200] } },
          })),
        ...FACE_MODEL_FILES.map((f) => ({
          urlPattern: new RegExp(`/models/${escapeRegExp(f.file)}$`),
          handler: 'CacheFirst' as const,
          options: { cacheName: faceModelCache(f.sha256), fetchOptions: { integrity: integrityOf(f.sha256) }, cacheableResponse: { statuses: [200] } },
        })),
      ],
    },
  });
}

const CSP_MARK = '<!-- content-security-policy: written here by vite.config.ts from sync/server/security-headers.ts -->';

/**
 * The <meta> CSP in index.html, from the same module as the app server's header, so the two
 * cannot drift apart. The header is what counts (it alone carries frame-ancestors); the
 * meta keeps the rest for a copy of dist/ served without our headers.
 */
function cspMetaPlugin(): Plugin {
  return {
    name: 'obscura-csp-meta',
    transformIndexHtml(html) {
      if (!html.includes(CSP_MARK)) throw new Error('index.html lost its content-security-policy mark');
      return html.replace(CSP_MARK, `<meta http-equiv="Content-Security-Policy" content="${META_CONTENT_SECURITY_POLICY}" />`);
    },
  };
}

const HEADERS = { ...ISOLATION_HEADERS, ...SECURITY_HEADERS };

/**
 * Vitest runs one file per core less one: a single file at a time on CI's 2 cores, the other
 * core idle while that file waits (real relays and sockets, WebRTC, timers it tests, a fresh
 * worker's start and imports). One file per core: a file that computes still has a core of its
 * own, as before. (One more than the cores starved the CPU-bound ML and fuzz files past their
 * 30 s timeouts on a loaded machine.)
 */
const FILE_PER_CORE = availableParallelism();

/**
 * Unit files that compute for most of their run (onnxruntime and the model converters, with
 * per-test time limits): beside another file they passed their timeouts on a loaded machine,
 * so they run one at a time after the others (the unit-alone stage).
 */
const UNIT_ALONE = [
  'tests/unit/ml/**/*.test.ts',
  'tests/unit/models/**/*.test.ts',
  'tests/integration/hardening/hostile-classifier.test.ts',
  'tests/integration/services/ml-worker-pool.test.ts',
];

/**
 * E2e files whose outcome depends on the CPU they get, run one at a time after the others:
 * hostile-classifier.test.ts checks the app's own time budgets (15 s per photo) stop a
 * hostile model and not an honest one.
 */
const E2E_ALONE = [
  'tests/e2e/hostile-classifier.test.ts',
  // Idle and lock timers, a frozen tab, a countdown and main-thread budgets: timing is what they test.
  'tests/e2e/many-tabs.test.ts',
  'tests/e2e/auto-lock-work.test.ts',
  'tests/e2e/unlock-responsive.test.ts',
  'tests/e2e/wrong-passphrase.test.ts',
];

// Every server we run sends the cross-origin isolation headers: without them
// onnxruntime-web silently drops to one thread (ARCHITECTURE §5).
//
// Mode `e2e` (tests/e2e/harness/global-setup.ts builds with it) is the production build plus
// the tests' hooks (src/app/test-hooks.ts): __OBSCURA_TEST_HOOKS__ is true there only, and
// in every other build the branches that load them are dead and dropped.
/** Drops the 'browser' resolve condition vite-plugin-solid adds in test mode (see the 'node' project). */
function nodeConditionsPlugin(): Plugin {
  return {
    name: 'obscura-node-conditions',
    enforce: 'post',
    configEnvironment(_name, config) {
      if (config.resolve?.conditions) config.resolve.conditions = config.resolve.conditions.filter((c) => c !== 'browser');
    },
  };
}

export default defineConfig(({ mode }) => ({
  define: { __OBSCURA_TEST_HOOKS__: JSON.stringify(mode === 'e2e'), __OBSCURA_ORT_CACHE__: JSON.stringify(ORT_WEBGPU_CACHE) },
  // modelsPlugin: models, label files and onnxruntime-web's wasm from our own origin.
  plugins: [solid(), cspMetaPlugin(), modelsPlugin(), ortExternWasmPlugin(), offlinePlugin()],
  server: { host: '127.0.0.1', headers: HEADERS },
  preview: { host: '127.0.0.1', headers: HEADERS },
  build: { target: 'es2022', sourcemap: true },
  worker: { format: 'es', plugins: () => [ortExternWasmPlugin()] },
  test: {
    environment: 'node',
    // vite-plugin-solid adds the `browser` condition, which maps `ws` to its stub that only
    // throws (sync/server/ws-node.ts); @hocuspocus/server imports ws's WebSocketServer, so in
    // tests it is inlined and its `ws` is ws's Node entry, as under `npm start`.
    alias: [{ find: /^ws$/, replacement: fileURLToPath(new URL('./node_modules/ws/wrapper.mjs', import.meta.url)) }],
    server: { deps: { inline: ['@hocuspocus/server'] } },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // vite-plugin-solid would pick jsdom; crypto and sync run in Node.
          environment: 'node',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'tests/integration/node/**', ...UNIT_ALONE],
          maxWorkers: FILE_PER_CORE,
          // Vitest refuses projects of one run with different maxWorkers in the same group (a
          // relay file path alone selects this project and the relay ones): each its own group.
          sequence: { groupOrder: 1 },
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'unit-alone',
          environment: 'node',
          include: UNIT_ALONE,
          fileParallelism: false,
          testTimeout: 30_000,
        },
      },
      {
        // The relay suite again, against the relay in scale-out mode, on a real Redis and PostgreSQL.
        extends: true,
        test: {
          name: 'relay-scale-out',
          environment: 'node',
          include: ['tests/integration/relay/**/*.test.ts'],
          env: { OBSCURA_RELAY_SCALE_OUT: '1' },
          // Each file starts its own Redis and PostgreSQL (tests/integration/relay/room-socket.ts).
          maxWorkers: FILE_PER_CORE,
          sequence: { groupOrder: 3 },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        // vite-plugin-solid adds the 'browser' condition in tests and Vitest hands it to Node
        // (--conditions), so Node itself would load the AWS SDK's browser build (broken there):
        // tests of server code that uses the SDK run here, with Node's own conditions.
        plugins: [nodeConditionsPlugin()],
        test: {
          name: 'node',
          environment: 'node',
          include: ['tests/integration/node/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...E2E_ALONE],
          globalSetup: ['tests/e2e/harness/global-setup.ts'],
          // One file at a time: two at a time (each with its own Chromium profile, relay and
          // ports) failed sync-device-link's invite joins at their 30 s waits in a loaded CI run.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e-alone',
          environment: 'node',
          include: E2E_ALONE,
          globalSetup: ['tests/e2e/harness/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
}));
