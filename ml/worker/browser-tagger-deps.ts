import manifestJson from '../../models/manifest.json';
import { parseModelManifest } from '../../models/manifest.ts';
import { decodeBrowser } from '../image/decode-browser.ts';
import { chooseBackend, currentEnvironment } from '../runtime/choose-backend.ts';
import { fetchFromOrigin } from '../runtime/fetch-model-file.ts';
import { loadOrtWeb } from '../runtime/load-ort-web.ts';
import { threadsOfWorkerName } from './ml-worker-name.ts';
import type { TaggerDeps } from './tagger.ts';

/**
 * The tagger's dependencies inside the browser worker: everything from our
 * own origin under the app's base URL (models/ and ort/ are put there by
 * models/vite-plugin-models.ts).
 */
export function browserTaggerDeps(): TaggerDeps {
  const base = new URL(import.meta.env.BASE_URL, self.location.href).href;
  return {
    manifest: parseModelManifest(manifestJson),
    chooseBackend: () => chooseBackend({ ...currentEnvironment(), maxThreads: threadsOfWorkerName(self.name) }),
    loadOrt: (choice) => loadOrtWeb(choice, base),
    fetchFile: fetchFromOrigin(new URL('models/', base).href),
    decode: decodeBrowser,
  };
}
