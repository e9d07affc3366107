export interface Ranked {
  readonly slot: number;
  readonly score: number;
  /** Ties go to the lower order: the order MiniSearch's stable sort keeps. */
  readonly order: number;
}

const better = (a: Ranked, b: Ranked) => a.score > b.score || (a.score === b.score && a.order < b.order);

/**
 * The best `limit` of a stream, best first, in O(n log limit): a min-heap of the page so
 * far, whose root is the first to go. Sorting tens of thousands of hits to show fifty is
 * what made common words slow.
 */
export class TopK {
  private readonly heap: Ranked[] = [];

  constructor(private readonly limit: number) {}

  /** Whether an item would enter the page now. */
  accepts(score: number, order: number): boolean {
    const root = this.heap[0];
    return this.heap.length < this.limit || (root !== undefined && better({ slot: -1, score, order }, root));
  }

  offer(slot: number, score: number, order: number): void {
    const item = { slot, score, order };
    const { heap } = this;
    if (heap.length < this.limit) {
      heap.push(item);
      this.up(heap.length - 1);
    } else if (heap.length > 0 && better(item, heap[0] as Ranked)) {
      heap[0] = item;
      this.down(0);
    }
  }

  sorted(): Ranked[] {
    return [...this.heap].sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  }

  private up(i: number): void {
    const { heap } = this;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!better(heap[parent] as Ranked, heap[i] as Ranked)) break;
      [heap[parent], heap[i]] = [heap[i] as Ranked, heap[parent] as Ranked];
      i = parent;
    }
  }

  private down(i: number): void {
    const { heap } = this;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < heap.length && better(heap[worst] as Ranked, heap[l] as Ranked)) worst = l;
      if (r < heap.length && better(heap[worst] as Ranked, heap[r] as Ranked)) worst = r;
      if (worst === i) return;
      [heap[worst], heap[i]] = [heap[i] as Ranked, heap[worst] as Ranked];
      i = worst;
    }
  }
}
