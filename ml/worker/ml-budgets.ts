/**
 * How long the ML worker may take before the client stops it (ml-worker-client.ts):
 * `worker.terminate()` ends a run in the middle, which nothing inside the worker can do,
 * since a wasm run holds the worker's only thread until it returns. Every call fails
 * with E_MODEL_TIMEOUT (naming the imported classifier at fault, if one was running) and
 * the next call starts a fresh worker.
 *
 * Note: an imported classifier of the usual zoo runs in well under a second on wasm; a
 * 14 KB model of 27 TFLOP ran for hours (issue 18). Its graph is checked first
 * (ml/classify/graph-cost.ts), but a graph can compute its shapes from the pixels, so
 * only running it tells: once at import on a plain image, then on each photo.
 */
export type MlBudgets = {
  /** Any one call, model loading included (the first photo on a slow phone loads ~40 MB of models). */
  readonly callMs: number;
  /** Importing an imported classifier: its graph check, session and one test run. Also at every unlock. */
  readonly importMs: number;
  /** One imported classifier on one photo. */
  readonly classifyMs: number;
};

export const DEFAULT_ML_BUDGETS: MlBudgets = { callMs: 300_000, importMs: 30_000, classifyMs: 15_000 };

/**
 * What the worker says it is running, so the client knows which budget applies and which
 * classifier to blame: `import` and `classify` name an imported classifier; `other` ends
 * the budgeted stage (built-in models run under the call's budget only).
 */
export type MlStage = { readonly stage: 'import' | 'classify'; readonly modelId: string } | { readonly stage: 'other' };

export function isMlStage(v: unknown): v is MlStage {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  if (s.stage === 'other') return true;
  return (s.stage === 'import' || s.stage === 'classify') && typeof s.modelId === 'string' && s.modelId.length <= 64;
}
