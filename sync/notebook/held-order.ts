/** What the grid shows while its order is held, and what waits. */
export interface HeldOrder {
  /** The held order, less notes deleted since. */
  readonly shown: readonly string[];
  /** Notes that arrived since the order was held: counted, not shown, until "show". */
  readonly added: number;
  /** Whether notes changed places since (an edit makes a note the newest). */
  readonly moved: boolean;
}

/**
 * Note: the grid sorts newest first, and an edit anywhere (another device, another tab)
 * makes that note the newest, so every card after it moves. While the person points at the
 * grid or has focus in it, the grid keeps the order it had (`held`) and only says what
 * changed; it catches up when they leave or ask. A deleted note still leaves the grid at
 * once: its card cannot be opened.
 */
export function holdOrder(held: readonly string[], live: readonly string[]): HeldOrder {
  const present = new Set(live);
  const shown = held.filter((id) => present.has(id));
  const wasHeld = new Set(shown);
  const kept = live.filter((id) => wasHeld.has(id));
  return { shown, added: live.length - kept.length, moved: kept.some((id, i) => id !== shown[i]) };
}
