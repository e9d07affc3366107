import { Show } from 'solid-js';
import type { TaggingService } from '../app/tagging-service.ts';

/**
 * "Add photos" (a real file input behind a button, so it works by keyboard and in tests)
 * and the tagging progress with pause/resume.
 */
export function PhotoImport(props: { tagging: TaggingService; onFiles: (files: File[]) => void }) {
  let input: HTMLInputElement | undefined;
  const progress = () => props.tagging.progress();
  const active = () => progress().total > 0 && progress().state !== 'idle';
  const label = () => {
    const p = progress();
    if (props.tagging.paused()) return p.state === 'running' ? `Pausing after this photo (${p.done} of ${p.total} tagged)` : `Paused: ${p.done} of ${p.total} tagged`;
    return `Tagging ${Math.min(p.done + 1, p.total)} of ${p.total}`;
  };

  return (
    <div class="photo-import">
      <input
        ref={input}
        id="photo-files"
        type="file"
        accept="image/jpeg,image/png,image/webp,image/gif"
        multiple
        class="visually-hidden"
        tabIndex={-1}
        aria-label="Photo files"
        onChange={(e) => {
          const files = Array.from(e.currentTarget.files ?? []);
          e.currentTarget.value = '';
          if (files.length > 0) props.onFiles(files);
        }}
      />
      <button type="button" onClick={() => input?.click()}>
        Import photos
      </button>
      <Show when={active()}>
        <div class="tag-progress" role="status" aria-live="polite">
          <progress max={progress().total} value={progress().done} />
          <span>{label()}</span>
          <Show when={progress().failed > 0}>
            <span class="error-text">{progress().failed} failed</span>
          </Show>
          <Show
            when={props.tagging.paused()}
            fallback={<button type="button" class="link" onClick={() => props.tagging.pause()}>Pause</button>}
          >
            <button type="button" class="link" onClick={() => props.tagging.resume()}>Resume</button>
          </Show>
        </div>
      </Show>
    </div>
  );
}
