import type { KeeperProgress } from '../../sync/blob/originals-keeper.ts';

/** "Keeping originals: 37 of 100", and what holds it up, in the person's words. */
export function keepingText(p: KeeperProgress): string {
  if (p.total === 0) return 'Keeping originals: no photos yet.';
  if (p.held === p.total) return `Keeping originals: all ${p.total} are on this device.`;
  const parts = [`Keeping originals: ${p.held} of ${p.total}${p.paused ? ' (paused)' : ''}.`];
  if (p.problem) parts.push(p.problem.message);
  if (p.unavailable > 0) parts.push(`${p.unavailable} ${p.unavailable === 1 ? 'is' : 'are'} on no device online now and come when one that has ${p.unavailable === 1 ? 'it' : 'them'} is.`);
  return parts.join(' ');
}
