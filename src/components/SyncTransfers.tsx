import { Show } from 'solid-js';

export interface PendingTransfers {
  readonly uploads: number;
  readonly downloads: number;
}

// A photo moves as two blobs (thumbnail and photo), so count files, not photos.
const photos = (n: number) => (n === 1 ? '1 file' : `${n} files`);

/** Encrypted photos still on their way to the relay, or from another device to this one. */
export function SyncTransfers(props: { pending: PendingTransfers | undefined }) {
  return (
    <section class="sync-section" aria-labelledby="transfers-title">
      <h3 id="transfers-title">Photo transfers</h3>
      <Show when={props.pending} fallback={<p class="hint">Photos are not syncing for this notebook yet.</p>}>
        {(pending) => (
          <p data-testid="transfers" class="hint">
            {pending().uploads + pending().downloads === 0
              ? 'All photos are up to date.'
              : [pending().uploads > 0 ? `sending ${photos(pending().uploads)}` : '', pending().downloads > 0 ? `receiving ${photos(pending().downloads)}` : '']
                  .filter(Boolean)
                  .join(', ')
                  .replace(/^./, (c) => c.toUpperCase()) + '…'}
          </p>
        )}
      </Show>
    </section>
  );
}
