import type * as Y from 'yjs';
import { currentClocks, keptClocks } from './note-clocks.ts';

/**
 * Note: notes are ordered by a hybrid logical clock, not by the writer's wall clock, and
 * a note names what its writer had seen, so a skewed clock cannot hold the top
 * (sync/PROTOCOL.md "Note order"). Every write (new note, edit) sets two numbers on it:
 * - `stamp`: max(local wall clock, highest stamp in the doc + 1), where the highest stamp
 *   counts only up to `SEEN_AHEAD_MS` past the local clock. So stamps stay near the writer's
 *   own time: a phone two days ahead does not drag everyone's stamps two days ahead.
 * - `seen`: that highest stamp, unclamped: the note it belongs to was there before this write.
 * A note's place is its stamp, lowered to just below the lowest stamp of any note written
 * after seeing it (followed through `seen`): whoever writes after seeing a note from the
 * future puts theirs above it. It is all in the shared doc, so every replica sorts alike.
 */

/** How far past this device's clock a stamp it has seen may carry its own stamps. */
export const SEEN_AHEAD_MS = 60_000;

/** The `stamp` and `seen` a write at `now` (this device's clock) sets on a note of `notes`. */
export function nextStamp(notes: Y.Map<Y.Map<unknown>>, now: number): { stamp: number; seen: number } {
  const clocks = keptClocks(notes);
  const seen = clocks.highest;
  const stamp = Math.max(now, Math.min(seen, now + SEEN_AHEAD_MS) + 1);
  clocks.highest = Math.max(seen, stamp);
  return { stamp, seen };
}

interface Placed {
  readonly id: string;
  readonly stamp: number;
  readonly seen: number;
  /** The lowest stamp of a note written after seeing this one (Infinity: none). */
  under: number;
  key: number;
}

/**
 * Note ids newest first: by place (above), then stamp, then id. Reads the kept clocks
 * (note-clocks.ts), not the notes, so it is cheap enough to run on every change at 10,000 notes.
 *
 * "Written after seeing A" is followed by exact stamps: a note's `seen` is the stamp of the
 * note that was highest when it was written, whose own `seen` names the one before, and so
 * on. A `seen` merely at least A's stamp proves nothing: a note written after seeing a stamp
 * two days ahead has a `seen` above every honest note of the next two days.
 */
export function newestFirstIds(notes: Y.Map<Y.Map<unknown>>): string[] {
  const placed: Placed[] = [];
  for (const [id, { stamp, seen }] of currentClocks(notes)) placed.push({ id, stamp, seen, under: Infinity, key: stamp });
  // Along `seen`, stamps fall until a note saw a stamp above its own (its writer's clock was
  // behind what it saw): a jump. Each jump lowers the notes it reaches through stamps above
  // its own; where the stamps drop to its own or below, the rest is some other jump's walk
  // or nothing to lower. Most docs have no jump, and then nothing is walked.
  const jumps = placed.filter((p) => p.seen > p.stamp).sort((a, b) => a.stamp - b.stamp);
  if (jumps.length > 0) {
    const byStamp = new Map<number, Placed[]>();
    for (const p of placed) {
      const same = byStamp.get(p.stamp);
      if (same) same.push(p);
      else byStamp.set(p.stamp, [p]);
    }
    // Lowest jump first, so a later walk meets notes already lowered as far and stops: a
    // note is lowered at most once per jump, and a cycle (only a hostile doc has one) ends.
    for (const jump of jumps) {
      const walk = [...(byStamp.get(jump.seen) ?? [])];
      for (let p = walk.pop(); p; p = walk.pop()) {
        if (p.stamp <= jump.stamp || p.under <= jump.stamp) continue;
        p.under = jump.stamp;
        walk.push(...(byStamp.get(p.seen) ?? []));
      }
    }
    // Just below the note that saw it, above anything stamped before that note.
    for (const p of placed) if (p.under < p.stamp) p.key = p.under - 0.5;
  }
  placed.sort((a, b) => b.key - a.key || b.stamp - a.stamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return placed.map((p) => p.id);
}
