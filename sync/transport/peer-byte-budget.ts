/** Something that holds bytes for one peer and can let go of them by dropping that peer. */
export interface BudgetHolder {
  /** Drop the peer; its bytes are released with it. */
  evict(): void;
}

/** What every chunked channel of a page holds for its peers together, by default. */
export const DEFAULT_PEER_BUDGET_BYTES = 128 * 1024 * 1024;

/**
 * One byte budget for what the page holds for its peers: every chunked channel's queue to
 * send and the message it is reassembling. Each channel has its own bounds (a 64 MiB
 * message, 16 MiB queued behind the one in flight), but with one per peer, 32 peers could
 * still make us hold 2 GiB; this caps the sum.
 * Note: when a channel would pass the budget, the channel holding the most goes (its peer
 * is dropped, E_PEER_BUDGET), which may be the one asking. So a peer that hoards cannot
 * starve the others: an honest peer holding little is never dropped while a bigger holder
 * is connected.
 */
export class PeerByteBudget {
  readonly #held = new Map<BudgetHolder, number>();
  #total = 0;
  #peak = 0;

  constructor(readonly limitBytes: number = DEFAULT_PEER_BUDGET_BYTES) {}

  /** Bytes held now by every holder together. */
  get heldBytes(): number {
    return this.#total;
  }

  /** The most ever held at once. */
  get peakBytes(): number {
    return this.#peak;
  }

  /**
   * `holder` is about to hold `bytes` in all. True if it may (recorded); otherwise the
   * holders that hold more are dropped until it fits, and false if none does (the caller,
   * then the biggest, must drop its peer).
   */
  claim(holder: BudgetHolder, bytes: number): boolean {
    for (;;) {
      if (this.#total - (this.#held.get(holder) ?? 0) + bytes <= this.limitBytes) {
        this.set(holder, bytes);
        return true;
      }
      const largest = this.#largestOther(holder);
      if (!largest || largest[1] <= bytes) return false;
      this.set(largest[0], 0);
      largest[0].evict();
    }
  }

  /** Records what `holder` holds now (at most what it claimed). */
  set(holder: BudgetHolder, bytes: number): void {
    this.#total += bytes - (this.#held.get(holder) ?? 0);
    if (bytes > 0) this.#held.set(holder, bytes);
    else this.#held.delete(holder);
    this.#peak = Math.max(this.#peak, this.#total);
  }

  #largestOther(holder: BudgetHolder): [BudgetHolder, number] | undefined {
    let largest: [BudgetHolder, number] | undefined;
    for (const entry of this.#held) if (entry[0] !== holder && (!largest || entry[1] > largest[1])) largest = entry;
    return largest;
  }
}

/** The budget every chunked channel uses unless it is given its own (one per page). */
export const pageBudget = new PeerByteBudget();
