/**
 * Headers that make the page `crossOriginIsolated` (needed for wasm threads).
 * CORP lets our own workers and wasm load under COEP require-corp.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
