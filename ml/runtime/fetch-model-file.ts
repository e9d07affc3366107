import type { FetchModelFile } from './session-cache.ts';

/**
 * Fetch model files from the app's own origin (`<base>models/<file>`), never a
 * CDN or model hub: the e2e test fails on any foreign request.
 */
export function fetchFromOrigin(modelsBaseUrl: string): FetchModelFile {
  return async (file) => {
    const url = new URL(file, modelsBaseUrl);
    if (url.origin !== new URL(modelsBaseUrl).origin) throw new Error(`refusing to fetch ${url.href}: not our origin`);
    const res = await fetch(url, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`GET ${url.pathname} -> ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  };
}
