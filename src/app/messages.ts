/** What a person reads for each error code: what happened and what to do. */
const MESSAGES: Record<string, string> = {
  E_PASSPHRASE: 'That passphrase is not right. Check caps lock and try again, or use your recovery key.',
  E_RECOVERY_KEY: 'That recovery key is not right. Check each group of characters and try again.',
  E_NO_VAULT: 'There is no vault on this device yet.',
  E_FORMAT: 'The vault on this device is damaged and cannot be read.',
  E_VERSION: 'This vault was made by a newer version of Obscura. Update the app to open it.',
  E_OUT_OF_MEMORY: 'This device does not have enough memory to protect the vault key. Close other tabs and try again.',
  E_STORAGE_FULL: 'This device is out of storage space. Nothing already saved was lost; free some space and try again.',
  E_NOTEBOOK_UNKNOWN: 'That notebook is not in this vault.',
  // Photos that could not be imported or tagged (ml/runtime/ml-error.ts, ml/image).
  E_IMAGE_CORRUPT: 'This file is damaged or is not a photo, so it could not be tagged.',
  E_IMAGE_UNSUPPORTED: 'This image format is not supported (use JPEG, PNG, WebP or GIF).',
  E_IMAGE_TOO_LARGE: 'This photo is too large to tag on this device.',
  E_MODEL_FETCH: 'The tagging models could not be loaded. Reload the page, then use "Tag again".',
  E_MODEL_HASH: 'A tagging model failed its integrity check and was not used.',
  E_MODEL_LOAD: 'The tagging models could not be started in this browser.',
  E_CANCELLED: 'Tagging was cancelled.',
};

export function messageFor(code: string, fallback?: string): string {
  return MESSAGES[code] ?? fallback ?? `Something went wrong (${code}).`;
}

export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return 'E_UNEXPECTED';
}
