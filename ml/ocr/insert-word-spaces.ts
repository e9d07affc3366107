import type { CtcChar } from './ctc-decode.ts';

export type WordSpaceOptions = { factor?: number };

export function insertWordSpaces(chars: readonly CtcChar[], options: WordSpaceOptions = {}): CtcChar[] {
  void options;
  return [...chars];
}
