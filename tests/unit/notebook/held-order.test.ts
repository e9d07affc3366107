import { describe, expect, it } from 'vitest';
import { holdOrder } from '../../../sync/notebook/held-order.ts';

describe('holdOrder (sync/notebook/held-order.ts)', () => {
  it('keeps the held order when an edit moves a note to the top, and says it moved', () => {
    expect(holdOrder(['a', 'b', 'c'], ['c', 'a', 'b'])).toEqual({ shown: ['a', 'b', 'c'], added: 0, moved: true });
  });

  it('counts new notes without showing them', () => {
    expect(holdOrder(['a', 'b'], ['x', 'a', 'y', 'b'])).toEqual({ shown: ['a', 'b'], added: 2, moved: false });
  });

  it('drops a deleted note at once', () => {
    expect(holdOrder(['a', 'b', 'c'], ['a', 'c'])).toEqual({ shown: ['a', 'c'], added: 0, moved: false });
  });

  it('nothing changed: nothing to say', () => {
    expect(holdOrder(['a', 'b'], ['a', 'b'])).toEqual({ shown: ['a', 'b'], added: 0, moved: false });
  });
});
