import type { ModelManifest, ModelManifestEntry, ModelTensorSpec } from './model-manifest.ts';
import { MlError, toMlErrorValue } from './ml-error.ts';
import type { OrtLike, OrtSession } from './ort-like.ts';
import { verifySha256 } from './sha256.ts';

export type SessionTiming = { readonly modelId: string; readonly createMs: number; readonly warmUpMs: number };

/** Fetches a file named relative to models/ (e.g. "generated/centernet.onnx"). */
export type FetchModelFile = (file: string) => Promise<Uint8Array>;

export type SessionCache = {
  /** One session per model id, created on first use and then shared. */
  session(modelId: string): Promise<OrtSession>;
  /** The model's pinned label file as text, verified like the model. */
  labelsText(modelId: string): Promise<string>;
  entry(modelId: string): ModelManifestEntry;
  timings(): SessionTiming[];
};

/**
 * Note: the cache holds promises, not sessions, so two photos arriving while a
 * model is still loading share one load. A failed load is forgotten so a later
 * call can retry (a fetch can fail transiently; a hash mismatch fails again).
 */
export function createSessionCache(manifest: ModelManifest, ort: OrtLike, fetchFile: FetchModelFile): SessionCache {
  const sessions = new Map<string, Promise<OrtSession>>();
  const labels = new Map<string, Promise<string>>();
  const timings: SessionTiming[] = [];

  function entry(modelId: string): ModelManifestEntry {
    const found = manifest.models.find((m) => m.id === modelId);
    if (!found) throw new MlError('E_MODEL_UNKNOWN', `no model "${modelId}" in models/manifest.json`);
    return found;
  }

  async function load(modelId: string): Promise<OrtSession> {
    const m = entry(modelId);
    const bytes = await fetchOrFail(fetchFile, m.file);
    await verifySha256(bytes, m.sha256, m.file); // before onnxruntime ever parses it
    const t0 = performance.now();
    let session: OrtSession;
    try {
      session = await ort.createSession(bytes);
    } catch (err) {
      throw new MlError('E_MODEL_LOAD', `${m.file}: ${toMlErrorValue(err, 'E_MODEL_LOAD').message}`);
    }
    const t1 = performance.now();
    // One run on zeros: the first run allocates and JITs kernels, and that
    // cost belongs to loading, not to the first photo's timing.
    const input = m.inputs[0];
    if (input?.dtype === 'float32') {
      const dims = warmUpDims(input);
      const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
      await session.run({ [input.name]: new ort.Tensor('float32', data, dims) });
    }
    timings.push({ modelId, createMs: Math.round(t1 - t0), warmUpMs: Math.round(performance.now() - t1) });
    return session;
  }

  return {
    entry,
    session(modelId) {
      let p = sessions.get(modelId);
      if (!p) {
        p = load(modelId);
        sessions.set(modelId, p);
        p.catch(() => sessions.delete(modelId));
      }
      return p;
    },
    labelsText(modelId) {
      let p = labels.get(modelId);
      if (!p) {
        const pinned = entry(modelId).labels;
        if (!pinned) return Promise.reject(new MlError('E_MODEL_UNKNOWN', `model "${modelId}" has no label file`));
        p = fetchOrFail(fetchFile, pinned.file).then(async (bytes) => {
          await verifySha256(bytes, pinned.sha256, pinned.file);
          return new TextDecoder().decode(bytes);
        });
        labels.set(modelId, p);
        p.catch(() => labels.delete(modelId));
      }
      return p;
    },
    timings: () => [...timings],
  };
}

async function fetchOrFail(fetchFile: FetchModelFile, file: string): Promise<Uint8Array> {
  try {
    return await fetchFile(file);
  } catch (err) {
    throw new MlError('E_MODEL_FETCH', `${file}: ${toMlErrorValue(err, 'E_MODEL_FETCH').message}`);
  }
}

/** Free dimensions become small sizes every model here accepts (multiples of 32). */
function warmUpDims(spec: ModelTensorSpec): number[] {
  return spec.shape.map((d) => (typeof d === 'number' ? d : d === 'batch' ? 1 : 32));
}
