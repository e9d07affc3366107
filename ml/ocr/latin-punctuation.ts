/** Ideographs, kana and hangul: a line with any of these is left as it is. */
const CJK_TEXT = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/u;

/** Full-width forms of ASCII punctuation and symbols (U+FF01..U+FF5E, minus letters and digits). */
const FULL_WIDTH_PUNCT = /[\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff5e]/gu;

/**
 * In a line without CJK characters, turn full-width punctuation into ASCII.
 *
 * Note: the recognizer learned punctuation mostly from Chinese, where commas
 * and brackets are full-width, so an English line comes back as "Here，" or
 * "(coins）". Searching for "coins)" would miss it. Chinese lines keep their
 * punctuation, which is correct there.
 */
export function toLatinPunctuation(text: string): string {
  if (CJK_TEXT.test(text)) return text;
  return text
    .replace(FULL_WIDTH_PUNCT, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/gu, ' ');
}

/** True when a character is written without spaces around it (CJK or full-width). */
export function isCjkChar(ch: string): boolean {
  return /[\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/u.test(ch);
}
