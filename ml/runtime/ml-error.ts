/**
 * Errors of the ML runtime and worker as values with stable codes; the UI maps
 * codes to messages and tests assert on codes, never on message text.
 *
 * | code              | when                                                          |
 * |-------------------|---------------------------------------------------------------|
 * | E_MODEL_FETCH     | a model or label file could not be fetched from our origin    |
 * | E_MODEL_HASH      | the bytes' sha256 differs from the pinned one (swapped model) |
 * | E_MODEL_LOAD      | onnxruntime refused the bytes (not ONNX, unsupported op)      |
 * | E_MODEL_UNKNOWN   | no manifest entry for the model id                            |
 * | E_SPEC_INVALID    | an imported classifier's spec fails validation                |
 * | E_MODEL_IO        | a model's inputs/outputs do not match its spec                |
 * | E_BAD_MESSAGE     | a message across the worker boundary failed its schema        |
 * | E_INFERENCE       | a run failed after the session was created                    |
 * | E_CANCELLED       | the indexing queue was cancelled before the photo ran         |
 * | E_MODEL_COST      | an imported model's graph costs more than a photo may         |
 * | E_MODEL_TIMEOUT   | a call or a model ran past its time budget; worker restarted  |
 * | E_IMAGE_*         | decode errors, see ml/image/image-decoder.ts                  |
 * | E_TAXONOMY_INVALID| a label taxonomy that is malformed or has a cycle (ml/search) |
 * | E_EXPANSION_INVALID| the query expansion table (word -> labels) is malformed (ml/search) |
 * | E_SEARCH_INDEX_INVALID| a kept search index that does not read back whole (ml/search; rebuilt) |
 *
 * ML_ERROR_CODES is ml/'s part of the app's one registry (src/app/error-code.ts joins it
 * with crypto's and sync's); ml never raises a code of another layer.
 */
export const ML_ERROR_CODES = [
  'E_MODEL_FETCH',
  'E_MODEL_HASH',
  'E_MODEL_LOAD',
  'E_MODEL_UNKNOWN',
  'E_SPEC_INVALID',
  'E_MODEL_IO',
  'E_BAD_MESSAGE',
  'E_INFERENCE',
  'E_CANCELLED',
  'E_MODEL_COST',
  'E_MODEL_TIMEOUT',
  'E_IMAGE_CORRUPT',
  'E_IMAGE_UNSUPPORTED',
  'E_IMAGE_TOO_LARGE',
  'E_TAXONOMY_INVALID',
  'E_EXPANSION_INVALID',
  'E_SEARCH_INDEX_INVALID',
] as const;

export type MlErrorCode = (typeof ML_ERROR_CODES)[number];

/** `modelId`: the imported classifier at fault, when one is (E_MODEL_COST, E_MODEL_TIMEOUT), so the app can turn it off. */
export type MlErrorValue = { readonly code: MlErrorCode; readonly message: string; readonly modelId?: string };

/**
 * Thrown inside the worker so async code can bail out early; converted back to
 * a plain MlErrorValue at the boundary (structured clone drops Error subclasses).
 */
export class MlError extends Error {
  readonly code: MlErrorCode;
  readonly modelId: string | undefined;
  constructor(code: MlErrorCode, message: string, modelId?: string) {
    super(`${code}: ${message}`);
    this.code = code;
    this.modelId = modelId;
    this.name = 'MlError';
  }

  toValue(): MlErrorValue {
    return { code: this.code, message: this.message, ...(this.modelId !== undefined && { modelId: this.modelId }) };
  }
}

/** Any thrown thing as an error value; unknown failures become `fallback`. */
export function toMlErrorValue(err: unknown, fallback: MlErrorCode): MlErrorValue {
  if (err instanceof MlError) return err.toValue();
  return { code: fallback, message: err instanceof Error ? err.message : String(err) };
}
