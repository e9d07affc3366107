import { MlError } from '../runtime/ml-error.ts';
import type { TagOptions, TagResult } from '../worker/ml-api.ts';
import type { MlWorkerClient } from '../worker/ml-worker-client.ts';

export type PhotoRef = { readonly id: string };

/**
 * The `run` function an indexing queue needs to drive the ML worker: load a
 * photo's bytes (the app decrypts them from its blob store), hand them to the
 * worker (moved, not copied), and turn a result that carries an error into a
 * failed outcome so the queue counts it and moves on.
 *
 * Note: bytes are loaded per photo, just before tagging, so a queue of a
 * thousand photos never holds more than one photo in memory.
 */
export function tagPhotoRunner<P extends PhotoRef>(
  client: Pick<MlWorkerClient, 'tag'>,
  loadBytes: (photo: P) => Promise<Uint8Array>,
  options: TagOptions = {},
): (photo: P) => Promise<TagResult> {
  return async (photo) => {
    const result = await client.tag(await loadBytes(photo), options);
    if (result.error) throw new MlError(result.error.code, `${photo.id}: ${result.error.message}`);
    return result;
  };
}
