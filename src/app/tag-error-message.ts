/** What a person reads when a photo could not be tagged, by the ML error code. */
const MESSAGES: Record<string, string> = {
  E_IMAGE_CORRUPT: 'This file is damaged or is not a photo, so it could not be tagged.',
  E_IMAGE_UNSUPPORTED: 'This image format is not supported (use JPEG, PNG, WebP or GIF).',
  E_IMAGE_TOO_LARGE: 'This photo is too large to tag on this device.',
  E_MODEL_FETCH: 'The tagging models could not be loaded. Reload the page and try again.',
  E_MODEL_HASH: 'A tagging model failed its integrity check and was not used.',
  E_MODEL_LOAD: 'The tagging models could not be started in this browser.',
  E_CANCELLED: 'Tagging was cancelled.',
};

export function tagErrorMessage(code: string): string {
  return MESSAGES[code] ?? `This photo could not be tagged (${code}).`;
}
