/**
 * The recognizer's character table: index 0 of the model output is the CTC
 * blank, index i >= 1 is keys[i - 1]. PP-OCR models are trained with
 * use_space_char, so the table is the lines of ppocr_keys_v1.txt plus a final
 * space (6623 + 1 keys, 6625 outputs with the blank).
 */
export function parseRecKeys(text: string): string[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  // A trailing newline would add an empty "character"; the file has none, but
  // an edited copy might.
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.some((l) => l.length === 0)) throw new Error('recognizer key file has an empty line');
  return [...lines, ' '];
}

/** The number of model output classes a key table implies (blank + keys). */
export function recClassCount(keys: readonly string[]): number {
  return keys.length + 1;
}
