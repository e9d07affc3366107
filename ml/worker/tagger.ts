import { classifierIdOf, loadClassifier, type Classifier } from '../classify/load-classifier.ts';
import { validateClassifierSpec } from '../classify/classifier-spec.ts';
import { createRgbaImage } from '../image/rgba-image.ts';
import type { ImageDecoder } from '../image/image-decoder.ts';
import type { ModelManifest } from '../runtime/model-manifest.ts';
import { modelForTask, pipelineVersionFor } from '../pipeline/pipeline-version.ts';
import type { BackendChoice } from '../runtime/choose-backend.ts';
import { MlError, toMlErrorValue } from '../runtime/ml-error.ts';
import type { OrtLike } from '../runtime/ort-like.ts';
import { createSessionCache, type FetchModelFile } from '../runtime/session-cache.ts';
import type { DebugInfo, MlApi, TagResult } from './ml-api.ts';
import type { MlStage } from './ml-budgets.ts';
import { runStages, type Runtime } from './tag-stages.ts';

/** Everything platform-specific, injected: the browser worker and Node tests pass their own. */
export type TaggerDeps = {
  readonly manifest: ModelManifest;
  readonly chooseBackend: () => Promise<BackendChoice>;
  readonly loadOrt: (choice: BackendChoice) => Promise<OrtLike>;
  readonly fetchFile: FetchModelFile;
  readonly decode: ImageDecoder;
  /** Where the worker says which imported classifier it is running (rpc.ts stageReporter). */
  readonly onStage?: (stage: MlStage) => void;
};

/** A mid-grey square: what an imported classifier is test-run on at import. */
function testImage(size: number) {
  const image = createRgbaImage(size, size);
  image.data.fill(128);
  return image;
}

const DEFAULT_MAX_PIXELS = 4_000_000;

/**
 * The ML worker's logic: decode -> detect -> OCR -> faces (when asked) -> imported classifiers.
 * ml.worker.ts only exposes what this returns.
 */
export function createTagger(deps: TaggerDeps): MlApi {
  let runtime: Promise<Runtime> | undefined;
  const classifiers = new Map<string, Classifier>();
  const onStage = deps.onStage ?? (() => undefined);

  function getRuntime(): Promise<Runtime> {
    runtime ??= (async () => {
      const choice = await deps.chooseBackend();
      const ort = await deps.loadOrt(choice);
      return { choice, ort, cache: createSessionCache(deps.manifest, ort, deps.fetchFile) };
    })();
    runtime.catch(() => (runtime = undefined)); // let a later call retry
    return runtime;
  }

  const byTask = (task: string) => {
    try {
      return modelForTask(deps.manifest, task);
    } catch (err) {
      throw new MlError('E_MODEL_UNKNOWN', toMlErrorValue(err, 'E_MODEL_UNKNOWN').message);
    }
  };

  return {
    async tag(imageBytes, options) {
      const t0 = performance.now();
      const ocr = options.ocr !== false;
      const faces = options.faces === true;
      const ids = options.classifierIds ?? [];
      const result: TagResult = {
        labels: [],
        candidates: [],
        text: [],
        classifications: [],
        pipelineVersion: pipelineVersionFor(deps.manifest, { ocr, classifierIds: ids, faces }),
        ms: 0,
        timings: { decodeMs: 0, detectMs: 0, ocrMs: 0, classifyMs: 0 },
      };
      try {
        const decoded = await deps.decode(imageBytes, { maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS });
        result.timings.decodeMs = Math.round(performance.now() - t0);
        if (!decoded.ok) throw new MlError(decoded.code, decoded.message);
        // The text half runs no imported classifier: the objects half does.
        const chosen = (options.part === 'text' ? [] : ids).map((id) => {
          const c = classifiers.get(id);
          if (!c) throw new MlError('E_MODEL_UNKNOWN', `no imported classifier ${id} in this worker`);
          return c;
        });
        await runStages(await getRuntime(), decoded, { part: options.part, ocr, faces, classifiers: chosen, byTask, onStage }, result);
      } catch (err) {
        result.error = toMlErrorValue(err, 'E_INFERENCE');
      }
      result.ms = Math.round(performance.now() - t0);
      return result;
    },

    debugInfo: async () => debugInfoOf(await getRuntime()),

    async preload(options) {
      const rt = await getRuntime();
      const ocrTasks = options.ocr === false || options.part === 'objects' ? [] : ['ocr-detect', 'ocr-angle', 'ocr-recognize'];
      const tasks = options.part === 'text' ? ocrTasks : ['detect', ...ocrTasks];
      if (options.faces === true && options.part !== 'text') tasks.push('face-detect', 'face-embed');
      // One after another: on two cores parallel session creation only competes.
      for (const task of tasks) await rt.cache.session(byTask(task).id);
      return debugInfoOf(rt);
    },

    async importClassifier(modelBytes, spec, sha256) {
      const checked = validateClassifierSpec(spec);
      if (!checked.ok) throw new MlError(checked.error.code, checked.error.message);
      const rt = await getRuntime();
      const { ort } = rt;
      // onnxruntime compiles its wasm on the first session it makes: let that be the detector
      // (every photo needs it), under the call's budget. From here on the classifier's runs.
      await rt.cache.session(byTask('detect').id);
      onStage({ stage: 'import', modelId: classifierIdOf(sha256) });
      let classifier: Classifier;
      try {
        classifier = await loadClassifier(modelBytes, checked.spec, sha256, ort);
        // One run before it is kept: what it costs shows now, under the import budget, not on
        // the first photo; and an output that does not match its labels is E_MODEL_IO now too.
        await classifier.classify(testImage(checked.spec.size));
      } finally {
        onStage({ stage: 'other' });
      }
      classifiers.set(classifier.id, classifier);
      return { id: classifier.id, name: classifier.spec.name, labelCount: classifier.spec.labels.length };
    },
  };
}

/** Threads as the runtime reports them after init, not as we asked (ORT can silently drop to 1). */
function debugInfoOf(rt: Runtime): DebugInfo {
  const threads = rt.choice.backend === 'wasm' ? (rt.ort.effectiveThreads?.() ?? rt.choice.threads) : rt.choice.threads;
  return { ...rt.choice, threads, sessions: rt.cache.timings() };
}
