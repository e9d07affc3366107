/**
 * The largest size with the same aspect ratio and at most maxPixels pixels
 * (never larger than the input). Both decoders use it, so a photo decodes to
 * the same size in Node and in the browser.
 */
export function fitWithinPixels(
  width: number,
  height: number,
  maxPixels: number,
): { width: number; height: number } {
  if (!(maxPixels >= 1)) throw new RangeError(`maxPixels must be >= 1, got ${maxPixels}`);
  if (width * height <= maxPixels) return { width, height };
  const scale = Math.sqrt(maxPixels / (width * height));
  // Floor keeps us under the budget; max(1) keeps extreme panoramas valid.
  return {
    width: Math.max(1, Math.floor(width * scale)),
    height: Math.max(1, Math.floor(height * scale)),
  };
}

/** Sharp's default input limit (0x3FFF squared): beyond this we refuse to decode. */
export const DEFAULT_MAX_INPUT_PIXELS = 0x3fff * 0x3fff;
