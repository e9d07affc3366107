import { describe, expect, it } from 'vitest';
import { caretAfterRemoteChange } from '../../../sync/notebook/caret-after-remote-change.ts';

describe('caretAfterRemoteChange', () => {
  it('a remote insert before the caret moves it by the insert length', () => {
    expect(caretAfterRemoteChange('hello world', 'oh hello world', 8)).toBe(11);
  });

  it('a remote insert after the caret leaves it', () => {
    expect(caretAfterRemoteChange('hello', 'hello there', 2)).toBe(2);
  });

  it('a remote delete before the caret moves it back', () => {
    expect(caretAfterRemoteChange('abc def', 'def', 7)).toBe(3);
  });

  it('a caret inside a replaced range goes to the end of the replacement', () => {
    expect(caretAfterRemoteChange('one two three', 'one 2 three', 6)).toBe(5);
  });

  it('two writers typing: each keeps typing where it was', () => {
    // B types "x" at the end while A's "A" arrives at the start.
    let text = 'note';
    let caretB = text.length;
    const remote = 'A' + text;
    caretB = caretAfterRemoteChange(text, remote, caretB);
    text = remote.slice(0, caretB) + 'x' + remote.slice(caretB);
    expect(text).toBe('Anotex');
  });
});
