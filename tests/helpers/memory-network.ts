import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { seededRandom, shuffle } from './seeded-random.ts';

export interface MemoryNetworkOptions {
  /** Every choice (delay, drop, duplicate, order) comes from this seed, so a run replays exactly. */
  readonly seed: number;
  readonly dropRate?: number;
  readonly duplicateRate?: number;
  /** A message is delivered 1..maxDelay ticks after it was sent. */
  readonly maxDelay?: number;
}

interface Message {
  readonly from: number;
  readonly to: number;
  readonly at: number;
  readonly bytes: Uint8Array;
}

/**
 * N box docs exchanging y-protocols sync messages through a lossy, seeded scheduler: every
 * local box update is sent to every other peer, and may be delayed, dropped, duplicated or
 * delivered out of order; a partition drops whatever crosses it. Like y-websocket and
 * y-webrtc on reconnect, `heal()` runs anti-entropy (sync step 1, answered by step 2 with
 * exactly what the asker lacks), which is how dropped updates are recovered.
 * The clock is virtual and delivery synchronous: no timers, so a seed is a full replay.
 */
export class MemoryNetwork {
  readonly random: () => number;
  readonly #docs: Y.Doc[] = [];
  readonly #origins: symbol[] = [];
  readonly #o: Required<MemoryNetworkOptions>;
  #queue: Message[] = [];
  #now = 0;
  #group = new Map<number, number>();
  /** Counts, for the test's log line. */
  readonly stats = { sent: 0, dropped: 0, duplicated: 0, delivered: 0 };

  constructor(options: MemoryNetworkOptions) {
    this.#o = { dropRate: 0.2, duplicateRate: 0.1, maxDelay: 6, ...options };
    this.random = seededRandom(options.seed);
  }

  /** Attaches a box doc; returns its peer index. */
  join(box: Y.Doc): number {
    const peer = this.#docs.length;
    const origin = Symbol(`memory-network:${peer}`);
    this.#docs.push(box);
    this.#origins.push(origin);
    box.on('update', (update: Uint8Array, from: unknown) => {
      // What arrived from the network is not sent on: every peer talks to every other directly.
      if (from === origin) return;
      const encoder = encoding.createEncoder();
      syncProtocol.writeUpdate(encoder, update);
      this.#broadcast(peer, encoding.toUint8Array(encoder));
    });
    return peer;
  }

  /** Peers in different groups cannot reach each other until heal(). */
  partition(groups: readonly (readonly number[])[]): void {
    this.#group = new Map(groups.flatMap((group, i) => group.map((peer) => [peer, i] as const)));
  }

  /** Removes every partition and starts an anti-entropy round between all peers. */
  heal(): void {
    this.#group.clear();
    this.antiEntropy();
  }

  /** Every peer sends sync step 1 (its state vector) to every peer it can reach. */
  antiEntropy(): void {
    this.#docs.forEach((doc, from) => {
      const encoder = encoding.createEncoder();
      syncProtocol.writeSyncStep1(encoder, doc);
      this.#broadcast(from, encoding.toUint8Array(encoder));
    });
  }

  /** Advances the clock by one tick and delivers what is due, in random order. */
  tick(): void {
    this.#now++;
    const due = this.#queue.filter((m) => m.at <= this.#now);
    this.#queue = this.#queue.filter((m) => m.at > this.#now);
    for (const message of shuffle(due, this.random)) this.#deliver(message);
  }

  /** Ticks until nothing is in flight. */
  drain(): void {
    for (let guard = 0; this.#queue.length > 0; guard++) {
      if (guard > 10_000) throw new Error('memory network: messages keep flowing');
      this.tick();
    }
  }

  /**
   * Heals, then repeats anti-entropy rounds (still lossy) until every box holds the same
   * structs and deletions; throws after `maxRounds` so a bug cannot hang the test.
   */
  settle(maxRounds = 50): number {
    this.heal();
    for (let round = 1; round <= maxRounds; round++) {
      this.drain();
      if (this.converged()) return round;
      this.antiEntropy();
    }
    throw new Error(`memory network: not converged after ${maxRounds} anti-entropy rounds`);
  }

  converged(): boolean {
    const [first, ...rest] = this.#docs.map((doc) => Y.snapshot(doc));
    return first !== undefined && rest.every((snapshot) => Y.equalSnapshots(first, snapshot));
  }

  #reachable(a: number, b: number): boolean {
    return this.#group.size === 0 || this.#group.get(a) === this.#group.get(b);
  }

  #broadcast(from: number, bytes: Uint8Array): void {
    this.#docs.forEach((_doc, to) => {
      if (to !== from) this.#send(from, to, bytes);
    });
  }

  #send(from: number, to: number, bytes: Uint8Array): void {
    this.stats.sent++;
    if (!this.#reachable(from, to) || this.random() < this.#o.dropRate) {
      this.stats.dropped++;
      return;
    }
    const copies = this.random() < this.#o.duplicateRate ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) {
      this.#queue.push({ from, to, bytes, at: this.#now + 1 + Math.floor(this.random() * this.#o.maxDelay) });
    }
  }

  #deliver({ from, to, bytes }: Message): void {
    // A partition made while the message was in flight cuts it too.
    if (!this.#reachable(from, to)) {
      this.stats.dropped++;
      return;
    }
    this.stats.delivered++;
    const doc = this.#docs[to] as Y.Doc;
    const reply = encoding.createEncoder();
    syncProtocol.readSyncMessage(decoding.createDecoder(bytes), reply, doc, this.#origins[to]);
    // Sync step 1 asks for an answer (step 2): it travels back through the same lossy network.
    if (encoding.length(reply) > 0) this.#send(to, from, encoding.toUint8Array(reply));
  }
}
