import type { DebugInfo, TagOptions, TagResult } from './ml-api.ts';
import { startMlWorker, type MlWorkerClient } from './ml-worker-client.ts';

/** What `window.__obscuraDebug` offers; only in the e2e build, with `?debug=ml` (src/app/test-hooks.ts). */
export type MlDebugHook = {
  /** Tag image bytes with the app's own ML worker (started on first call). */
  tagFixture(bytes: Uint8Array | number[], options?: TagOptions): Promise<TagResult>;
  debugInfo(): Promise<DebugInfo>;
};

declare global {
  interface Window {
    __obscuraDebug?: MlDebugHook;
  }
}

/**
 * Note: this is how e2e tests reach the real worker the app uses (same chunk,
 * same models, same headers) without clicking through a vault first. It reads no
 * vault data and adds no capability a page script would not have anyway, but a
 * test hook has no place in the person's app: it exists only in the e2e build,
 * for a page opened with `?debug=ml` (src/app/test-hooks.ts).
 */
export function installMlDebugHook(target: Window = window): MlDebugHook {
  let client: MlWorkerClient | undefined;
  const ml = () => (client ??= startMlWorker());
  const hook: MlDebugHook = {
    tagFixture: (bytes, options) => ml().tag(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes), options),
    debugInfo: () => ml().debugInfo(),
  };
  target.__obscuraDebug = hook;
  return hook;
}
