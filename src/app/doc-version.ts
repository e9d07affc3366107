import { createSignal, onCleanup, type Accessor } from 'solid-js';
import type * as Y from 'yjs';

/**
 * A signal that changes whenever a Y.Doc changes (local or remote), so Solid memos that
 * read the doc re-run. Reading Yjs directly keeps the doc the one source of truth.
 */
export function docVersion(doc: Y.Doc): Accessor<number> {
  const [version, setVersion] = createSignal(0);
  const bump = () => setVersion((v) => v + 1);
  doc.on('update', bump);
  onCleanup(() => doc.off('update', bump));
  return version;
}
