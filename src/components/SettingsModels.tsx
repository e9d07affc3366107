import { createResource, createSignal, For, Show } from 'solid-js';
import manifestJson from '../../models/manifest.json';
import { parseModelManifest } from '../../models/manifest.ts';
import { SCORE_THRESHOLD_MAX, SCORE_THRESHOLD_MIN, type AppSettings } from '../app/settings-store.ts';
import type { TaggingService } from '../app/tagging-service.ts';
import type { Vault } from '../../sync/vault/vault.ts';
import { SettingsClassifiers } from './SettingsClassifiers.tsx';
import { errorCode, messageFor } from '../app/messages.ts';

const TASK_NAMES: Record<string, string> = {
  detect: 'Object detector',
  'ocr-detect': 'Text finder (OCR)',
  'ocr-angle': 'Text direction (OCR)',
  'ocr-recognize': 'Text reader (OCR)',
};

/** The built-in models, what tagging does with them, and where they run. */
export function SettingsModels(props: { vault: Vault; settings: AppSettings; tagging: TaggingService; onChange: (patch: Partial<AppSettings>) => Promise<void> }) {
  const models = parseModelManifest(manifestJson).models;
  const [threshold, setThreshold] = createSignal<number>();
  const shown = () => threshold() ?? props.settings.scoreThreshold;
  // Asking starts the ML worker (onnxruntime, no model), which is what reports the backend.
  const [backend] = createResource(() => props.tagging.debugInfo());

  return (
    <section class="settings-section" id="settings-models" aria-labelledby="settings-models-title">
      <h2 id="settings-models-title">Models</h2>
      <h3>Built-in models</h3>
      <ul class="model-list">
        <For each={models}>
          {(model) => (
            <li data-model-id={model.id}>
              <span>{TASK_NAMES[model.task] ?? model.task}</span> <code>{model.id}</code> <span class="hint">version {model.version}</span>
            </li>
          )}
        </For>
      </ul>
      <h3>Tagging</h3>
      <label class="check">
        <input type="checkbox" checked={props.settings.ocr} onChange={(e) => void props.onChange({ ocr: e.currentTarget.checked })} />
        Read text in photos (OCR)
      </label>
      <p class="hint">Changing this re-tags a notebook's photos the next time it is opened.</p>
      <label for="score-threshold">Detection score threshold</label>
      <div class="range-row">
        <input
          id="score-threshold"
          type="range"
          min={SCORE_THRESHOLD_MIN}
          max={SCORE_THRESHOLD_MAX}
          step="0.05"
          value={shown()}
          aria-describedby="score-threshold-hint"
          onInput={(e) => setThreshold(Number(e.currentTarget.value))}
          onChange={(e) => void props.onChange({ scoreThreshold: Number(e.currentTarget.value) }).then(() => setThreshold(undefined))}
        />
        <output for="score-threshold" data-testid="score-threshold-value">
          {shown().toFixed(2)}
        </output>
      </div>
      <p class="hint" id="score-threshold-hint">
        Higher keeps fewer, surer labels on the next photos tagged.
      </p>
      <SettingsClassifiers vault={props.vault} tagging={props.tagging} settings={props.settings} onChange={props.onChange} />
      <h3>Where the models run</h3>
      <Show
        when={!backend.error}
        fallback={
          <p class="error" role="alert">
            {messageFor(errorCode(backend.error), 'The ML worker could not be started.')}
          </p>
        }
      >
        <Show when={backend()} fallback={<p aria-busy="true">Checking…</p>}>
          {(info) => (
            <dl class="facts" data-testid="ml-backend">
              <dt>Backend</dt>
              <dd>{info().backend === 'webgpu' ? 'WebGPU' : 'WebAssembly (wasm)'}</dd>
              <dt>Threads</dt>
              <dd>{(info().workers ?? 1) > 1 ? `${info().threads} in each of ${info().workers} workers` : info().threads}</dd>
              <dt>Cross-origin isolated</dt>
              <dd>{info().crossOriginIsolated ? 'yes' : 'no'}</dd>
            </dl>
          )}
        </Show>
      </Show>
    </section>
  );
}
