import { describe, expect, it } from 'vitest';
import { ctcConfidence, ctcGreedyDecode, ctcText, type CtcChar, type CtcFrames } from '../../../ml/ocr/ctc-decode.ts';
import { insertWordSpaces } from '../../../ml/ocr/insert-word-spaces.ts';
import { toLatinPunctuation } from '../../../ml/ocr/latin-punctuation.ts';
import { parseRecKeys, recClassCount } from '../../../ml/ocr/rec-keys.ts';

// A tiny recognizer alphabet in the ppocr_keys layout: file lines + trailing space.
const KEYS = parseRecKeys('a\nb\nc\nd\ne\nl\no\nh\nw\nr\n.\n)\n字\n中');
const CLASSES = recClassCount(KEYS);
const SPACE = CLASSES - 1;

/**
 * Synthetic softmax output. Each step is a class name ('_' blank, ' ' space
 * class, or a character) optionally with the space probability on a blank
 * frame, e.g. '_:0.3' = blank wins (0.6), space gets 0.3 (keep it below 0.45).
 */
function frames(steps: string[]): CtcFrames {
  const probs = new Float32Array(steps.length * CLASSES);
  steps.forEach((step, t) => {
    const [name, spaceP] = step.length > 1 && step.includes(':') ? step.split(':') : [step, '0'];
    const winner = name === '_' ? 0 : name === ' ' ? SPACE : KEYS.indexOf(name!) + 1;
    const sp = Number(spaceP);
    const row = t * CLASSES;
    probs[row + winner] = 0.9 - (winner === SPACE ? 0 : sp);
    if (winner !== SPACE) probs[row + SPACE] = sp;
    // Spread the rest thinly so the winner stays the argmax.
    const rest = (1 - probs[row + winner]! - probs[row + SPACE]! * (winner === SPACE ? 0 : 1)) / (CLASSES - 2);
    for (let c = 0; c < CLASSES; c++) if (c !== winner && c !== SPACE) probs[row + c] = rest;
  });
  return { probs, frames: steps.length, classes: CLASSES };
}

/** Per-letter frames "letter then blank", with word gaps as given. */
function word(text: string): string[] {
  return [...text].flatMap((ch) => [ch, '_']);
}

describe('parseRecKeys', () => {
  it('appends the space and ignores a trailing newline', () => {
    expect(parseRecKeys('x\ny\n')).toEqual(['x', 'y', ' ']);
    expect(recClassCount(parseRecKeys('x\ny'))).toBe(4);
  });
});

describe('ctcGreedyDecode', () => {
  it('drops blanks, collapses repeats and keeps letters a blank separates ("hello")', () => {
    const chars = ctcGreedyDecode(frames(['h', 'h', '_', 'e', 'l', 'l', '_', 'l', 'o', 'o', '_']), KEYS);
    expect(ctcText(chars)).toBe('hello');
    expect(chars.map((c) => [c.firstFrame, c.lastFrame])).toEqual([[0, 1], [3, 3], [4, 5], [7, 7], [8, 9]]);
    expect(ctcConfidence(chars)).toBeCloseTo(0.9, 5);
  });

  it('maps class i to keys[i-1] and the last class to a space', () => {
    expect(ctcText(ctcGreedyDecode(frames(['a', ' ', 'b', '_', '字']), KEYS))).toBe('a b字');
  });

  it('records the space probability seen on blank frames before each character', () => {
    const chars = ctcGreedyDecode(frames(['a', '_:0.2', '_:0.4', 'b', '_:0.001', 'c']), KEYS);
    expect(chars.map((c) => Number(c.spaceProbBefore.toFixed(3)))).toEqual([0, 0.4, 0.001]);
  });

  it('gives empty text and zero confidence for all-blank output', () => {
    const chars = ctcGreedyDecode(frames(['_', '_', '_']), KEYS);
    expect(chars).toEqual([]);
    expect(ctcConfidence(chars)).toBe(0);
  });
});

describe('insertWordSpaces', () => {
  const decode = (steps: string[]): string => insertWordSpaces(ctcGreedyDecode(frames(steps), KEYS));

  it('puts a space where the space class got weight between words ("hello world")', () => {
    expect(decode([...word('hello'), '_:0.3', ...word('world')])).toBe('hello world');
  });

  it('adds nothing inside words whose gaps carry only noise-level space probability', () => {
    expect(decode(['h', '_:0.003', 'e', '_:0.004', 'l', '_', '_:0.001', 'l', '_', 'o'])).toBe('hello');
  });

  it('does not double a space the model already emitted', () => {
    expect(decode([...word('ab'), ' ', '_:0.3', ...word('cd')])).toBe('ab cd');
  });

  it('falls back to geometry for a very wide blank run with no space signal', () => {
    const wide = [...word('hello'), '_', '_', '_', '_', '_', ...word('world')];
    expect(decode(wide)).toBe('hello world');
    expect(insertWordSpaces(ctcGreedyDecode(frames(wide), KEYS), { gapFactor: Infinity })).toBe('helloworld');
  });

  it('never spaces CJK text or before closing punctuation', () => {
    expect(decode(['字', '_:0.3', '中'])).toBe('字中');
    expect(decode([...word('ab'), '_:0.3', ')', '_:0.3', '.'])).toBe('ab).');
  });

  it('never spaces around an underscore (identifiers, file names)', () => {
    const at = (char: string, frame: number, spaceProbBefore: number): CtcChar =>
      ({ char, index: 1, prob: 0.9, firstFrame: frame, lastFrame: frame, spaceProbBefore });
    expect(insertWordSpaces([at('a', 0, 0), at('_', 3, 0.3), at('b', 6, 0.3)])).toBe('a_b');
  });

  it('can be switched off by thresholds', () => {
    const steps = [...word('hello'), '_:0.3', ...word('world')];
    expect(insertWordSpaces(ctcGreedyDecode(frames(steps), KEYS), { minSpaceProb: 1, gapFactor: Infinity })).toBe('helloworld');
  });
});

describe('toLatinPunctuation', () => {
  it('turns full-width punctuation into ASCII in Latin lines only', () => {
    expect(toLatinPunctuation('Here，np.zeros_like（coins）！')).toBe('Here,np.zeros_like(coins)!');
    expect(toLatinPunctuation('收据总计（欧元）')).toBe('收据总计（欧元）');
    expect(toLatinPunctuation('Ｒｅ')).toBe('Ｒｅ'); // full-width letters are not punctuation
  });
});
