/**
 * Where a caret (or selection end) belongs after a remote edit replaced a field's text.
 * Assigning `el.value` puts the caret at the end, so while two people type in one note
 * each keystroke would land at the wrong place and interleave their letters. The remote
 * change is found the way setNoteText finds a local one (common prefix and suffix); a
 * caret after it moves by its length, one before it stays, one inside it goes to its end.
 */
export function caretAfterRemoteChange(old: string, next: string, caret: number): number {
  let prefix = 0;
  while (prefix < old.length && prefix < next.length && old[prefix] === next[prefix]) prefix++;
  let suffix = 0;
  while (suffix < old.length - prefix && suffix < next.length - prefix && old[old.length - 1 - suffix] === next[next.length - 1 - suffix]) suffix++;
  if (caret <= prefix) return caret;
  const oldEnd = old.length - suffix;
  if (caret >= oldEnd) return Math.min(next.length, caret + next.length - old.length);
  return next.length - suffix;
}
