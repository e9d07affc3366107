import { Show } from 'solid-js';
import type { KeepOriginalsDefault } from '../../sync/storage/keep-originals-default.ts';
import { keepingText } from '../app/keeping-text.ts';
import type { OriginalsService } from '../app/originals-service.ts';
import type { AppSettings } from '../app/settings-store.ts';

/**
 * "Keep originals on this device": a per-device choice (issue 18 §5). Without it a device
 * holds only the photos opened on it, so losing the device that imported the rest, and the
 * relay, loses them. Until chosen it follows the room the browser gives (sync/storage/keep-originals-default.ts).
 */
export function SettingsOriginals(props: {
  settings: AppSettings;
  keepDefault: KeepOriginalsDefault | undefined;
  originals: OriginalsService;
  onChange: (patch: Partial<AppSettings>) => Promise<void>;
}) {
  const on = () => props.settings.keepOriginals ?? props.keepDefault?.on ?? false;
  return (
    <section class="settings-section" id="settings-originals" aria-labelledby="settings-originals-title">
      <h2 id="settings-originals-title">Photos on this device</h2>
      <label class="check">
        <input type="checkbox" autocomplete="off" checked={on()} onChange={(e) => void props.onChange({ keepOriginals: e.currentTarget.checked })} /> Keep originals on this device
      </label>
      <p class="hint" data-testid="keep-originals-why">
        {props.settings.keepOriginals === undefined && props.keepDefault?.why
          ? props.keepDefault.why
          : 'Every full photo of your notebooks is downloaded to this device in the background, after the thumbnails, so your photos survive losing another device. Off: only the photos you open are stored here.'}
      </p>
      <Show when={props.originals.elsewhere()}>
        <p role="status" data-testid="keeping-elsewhere">
          Another Obscura tab is keeping the originals; this one takes over when that tab closes.
        </p>
      </Show>
      <Show when={props.originals.progress()}>
        {(p) => (
          <div class="row">
            <p role="status" data-testid="keeping-originals">
              {keepingText(p())}
            </p>
            <Show when={p().held < p().total}>
              <button type="button" onClick={() => (p().paused || p().problem ? props.originals.resume() : props.originals.pause())}>
                {p().paused || p().problem ? 'Resume' : 'Pause'}
              </button>
            </Show>
          </div>
        )}
      </Show>
    </section>
  );
}
