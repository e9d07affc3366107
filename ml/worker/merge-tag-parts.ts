import { splitTags, TAG_POLICY } from '../detect/tag-policy.ts';
import type { TagResult } from './ml-api.ts';

/**
 * One answer from the two halves of a photo that two workers tagged side by side
 * (ml-worker-pool.ts): the objects half's tags split again with the text the other half read
 * (digits inside a box confirm a clock, as in tag-stages.ts), so the answer is the one a
 * single worker gives. Both halves decoded the photo in parallel; `ms` is the longer half.
 */
export function mergeTagParts(objects: TagResult, text: TagResult): TagResult {
  const { objects: found, ...rest } = objects;
  const merged: TagResult = {
    ...rest,
    text: text.text,
    ms: Math.max(objects.ms, text.ms),
    timings: { ...objects.timings, decodeMs: Math.max(objects.timings.decodeMs, text.timings.decodeMs), ocrMs: text.timings.ocrMs },
  };
  const error = objects.error ?? text.error;
  if (error) merged.error = error;
  if (found && text.text.length > 0) {
    const { tags, candidates } = splitTags(found.detections, found, TAG_POLICY, text.text);
    merged.labels = tags;
    merged.candidates = candidates;
  }
  return merged;
}
