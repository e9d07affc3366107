import { expectArray, expectInteger, expectObject, expectString, optional, type JsonObject } from './json-guard.ts';

/** A file the app needs, pinned by hash so a swapped model is refused. */
export interface PinnedFile {
  /** Path relative to models/. */
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
  /**
   * Where the build step gets it; absent for files committed to the repo.
   * convert: "tfjs-graph" converts a TF.js graph model, "copy" copies an ONNX
   * file, "onnx-hard-swish" copies one with its hard-swish chains fused.
   */
  readonly source?: { readonly package: string; readonly path: string; readonly convert: 'tfjs-graph' | 'copy' | 'onnx-hard-swish' };
}

export interface ModelTensorSpec {
  readonly name: string;
  /** Numbers are fixed sizes; strings name free dimensions. */
  readonly shape: readonly (number | string)[];
  readonly layout?: 'NHWC' | 'NCHW';
  readonly dtype: 'float32' | 'int32' | 'uint8';
}

/** value = (pixel * scale - mean[c]) / std[c], channels in `channelOrder`. */
export interface Normalization {
  readonly channelOrder: 'RGB' | 'BGR';
  readonly scale: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

export interface ModelManifestEntry extends PinnedFile {
  readonly id: string;
  readonly version: string;
  readonly task: string;
  readonly license: string;
  readonly inputs: readonly ModelTensorSpec[];
  readonly outputs: readonly ModelTensorSpec[];
  readonly normalization: Normalization;
  readonly resize: string;
  readonly labels: PinnedFile | null;
  /** kind plus the parameters that kind needs (thresholds, label offsets). */
  readonly postprocess: { readonly kind: string } & JsonObject;
}

export interface ModelManifest {
  readonly schemaVersion: 1;
  readonly models: readonly ModelManifestEntry[];
}

function pinned(v: unknown, path: string): PinnedFile {
  const o = expectObject(v, path);
  const sha256 = expectString(o.sha256, `${path}.sha256`, 64);
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`manifest ${path}.sha256: not a sha256 hex digest`);
  const file = expectString(o.file, `${path}.file`, 200);
  if (file.split('/').some((part) => part === '..' || part === '')) throw new Error(`manifest ${path}.file: unsafe path`);
  return { ...(o as unknown as PinnedFile), file, sha256, bytes: expectInteger(o.bytes, `${path}.bytes`) };
}

/**
 * Checks the fields the app relies on to find and verify files; the rest is
 * descriptive and passed through as typed by the committed JSON.
 */
export function parseModelManifest(json: unknown): ModelManifest {
  const root = expectObject(json, '$');
  if (root.schemaVersion !== 1) throw new Error('manifest: unsupported schemaVersion');
  const models = expectArray(root.models, '$.models', 100).map((m, i) => {
    const path = `$.models[${i}]`;
    const o = expectObject(m, path);
    expectString(o.id, `${path}.id`, 100);
    expectString(o.version, `${path}.version`, 40);
    expectObject(o.postprocess, `${path}.postprocess`);
    const labels = optional(o.labels, (l) => pinned(l, `${path}.labels`)) ?? null;
    return { ...(o as unknown as ModelManifestEntry), ...pinned(o, path), labels };
  });
  return { schemaVersion: 1, models };
}

/** Every pinned file of the manifest: models and their label files. */
export function pinnedFiles(manifest: ModelManifest): PinnedFile[] {
  return manifest.models.flatMap((m) => (m.labels ? [m, m.labels] : [m]));
}
