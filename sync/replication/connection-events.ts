import type { BoxConnection, TransportState } from './box-transport.ts';

type Listeners<T> = Set<(value: T) => void>;

function subscribe<T>(set: Listeners<T>, listener: (value: T) => void): () => void {
  set.add(listener);
  return () => void set.delete(listener);
}

/**
 * The bookkeeping every BoxConnection shares (state, sync and bad-frame events), so each
 * transport only says when they happen.
 */
export class ConnectionEvents implements Pick<BoxConnection, 'state' | 'onState' | 'onSynced' | 'whenSynced' | 'badFrames' | 'onBadFrame'> {
  #state: TransportState;
  #bad = 0;
  #everSynced = false;
  readonly #states: Listeners<TransportState> = new Set();
  readonly #synced: Listeners<void> = new Set();
  readonly #badFrames: Listeners<unknown> = new Set();

  constructor(initial: TransportState) {
    this.#state = initial;
  }

  state = (): TransportState => this.#state;
  badFrames = (): number => this.#bad;
  onState = (listener: (state: TransportState) => void): (() => void) => subscribe(this.#states, listener);
  onSynced = (listener: () => void): (() => void) => subscribe(this.#synced, listener);
  onBadFrame = (listener: (error: unknown) => void): (() => void) => subscribe(this.#badFrames, listener);

  whenSynced = (): Promise<void> => {
    if (this.#everSynced) return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.onSynced(() => {
        off();
        resolve();
      });
    });
  };

  /** The read side, to spread into a connection object. */
  api(): Pick<BoxConnection, 'state' | 'onState' | 'onSynced' | 'whenSynced' | 'badFrames' | 'onBadFrame'> {
    const { state, onState, onSynced, whenSynced, badFrames, onBadFrame } = this;
    return { state, onState, onSynced, whenSynced, badFrames, onBadFrame };
  }

  setState(next: TransportState): void {
    if (next === this.#state) return;
    this.#state = next;
    for (const listener of [...this.#states]) listener(next);
  }

  synced(): void {
    this.#everSynced = true;
    for (const listener of [...this.#synced]) listener();
  }

  badFrame(error: unknown): void {
    this.#bad++;
    for (const listener of [...this.#badFrames]) listener(error);
  }

  clear(): void {
    this.#states.clear();
    this.#synced.clear();
    this.#badFrames.clear();
  }
}
