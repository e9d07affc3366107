import { Show } from 'solid-js';
import type { KeeperProgress } from '../../sync/blob/originals-keeper.ts';
import type { CopyCounts } from '../../sync/notebook/holdings.ts';
import { keepingText } from '../app/keeping-text.ts';

const photos = (n: number) => (n === 1 ? '1 photo' : `${n} photos`);

/**
 * How many of the notebook's photos exist on one device only, as the devices said in their
 * holdings records (sync/notebook/holdings.ts). The relay's copy is not counted: a relay that
 * lost its data does not say so.
 */
export function SyncCopies(props: { copies: CopyCounts | undefined; keeping: KeeperProgress | undefined }) {
  return (
    <section class="sync-section" aria-labelledby="copies-title">
      <h3 id="copies-title">Copies of photos</h3>
      <Show when={props.copies} fallback={<p class="hint">Counting…</p>}>
        {(c) => (
          <>
            <dl class="sync-status">
              <dt>Only on this device</dt>
              <dd data-testid="only-here">{photos(c().onlyHere)}</dd>
              <dt>On one device only</dt>
              <dd data-testid="only-one">{photos(c().onlyOne)}</dd>
            </dl>
            <p class="hint" data-testid="copies-hint">
              {c().onlyOne > 0
                ? 'Open Obscura on another device to keep a copy, with “Keep originals on this device” on in its Settings.'
                : c().photos > 0
                  ? 'Every photo of this notebook is on at least two devices.'
                  : 'No photos in this notebook yet.'}{' '}
              The relay’s copy is not counted: a relay can lose what it holds.
            </p>
          </>
        )}
      </Show>
      <Show when={props.keeping}>{(p) => <p class="hint" data-testid="keeping-originals-sync">{keepingText(p())}</p>}</Show>
    </section>
  );
}
