import { createSignal, For, Show } from 'solid-js';
import type { Vault } from '../../sync/vault/vault.ts';
import { CLASSIFIER_COST_LIMITS } from '../../ml/classify/graph-cost.ts';
import { DEFAULT_ML_BUDGETS } from '../../ml/worker/ml-budgets.ts';
import { importClassifierFiles, removeClassifierModel } from '../app/classifier-import.ts';
import { messageFor } from '../app/messages.ts';
import type { AppSettings, ClassifierSetting } from '../app/settings-store.ts';
import type { TaggingService } from '../app/tagging-service.ts';

const SPEC_PLACEHOLDER = '{ "name": "My classifier", "inputName": "input", "size": 224, "topK": 5 }';

/** Bring your own ONNX image classifier: checked, stored sealed on this device, run on every photo tagged after. */
export function SettingsClassifiers(props: {
  vault: Vault;
  tagging: TaggingService;
  settings: AppSettings;
  onChange: (patch: Partial<AppSettings>) => Promise<void>;
}) {
  const [model, setModel] = createSignal<File>();
  const [labels, setLabels] = createSignal<File>();
  const [spec, setSpec] = createSignal('');
  const [sha256, setSha256] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<string>();
  const [imported, setImported] = createSignal<string>();
  let form: HTMLFormElement | undefined;

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setProblem(undefined);
    setImported(undefined);
    const file = model();
    if (!file) {
      setProblem('Choose the model file (.onnx).');
      return;
    }
    setBusy(true);
    try {
      const result = await importClassifierFiles(props.vault, props.tagging, {
        model: new Uint8Array(await file.arrayBuffer()),
        spec: spec(),
        ...(labels() ? { labels: await labels()!.text() } : {}),
        ...(sha256().trim() ? { expectedSha256: sha256() } : {}),
      });
      if (!result.ok) {
        setProblem(`${messageFor(result.error.code, 'The classifier was not imported.')} (${result.error.code}: ${result.error.message})`);
        return;
      }
      await props.onChange({ classifiers: [...props.settings.classifiers.filter((c) => c.id !== result.value.id), result.value] });
      setImported(`Imported “${result.value.spec.name}” (sha256 ${result.value.sha256.slice(0, 16)}…). It runs on photos tagged from now on.`);
      form?.reset();
      setModel(undefined);
      setLabels(undefined);
      setSpec('');
      setSha256('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h3>Imported classifiers</h3>
      <Show when={props.settings.classifiers.length > 0} fallback={<p class="hint">None yet. Imported classifiers add their top labels to every photo tagged.</p>}>
        <ul class="classifier-list">
          <For each={props.settings.classifiers}>
            {(c) => (
              <li data-classifier-id={c.id}>
                <label class="check">
                  <input
                    type="checkbox"
                    checked={c.enabled}
                    onChange={(e) => {
                      const enabled = e.currentTarget.checked;
                      // Turned on again by hand: the problem that turned it off is the past.
                      const next = (x: ClassifierSetting): ClassifierSetting => ({ id: x.id, sha256: x.sha256, spec: x.spec, enabled });
                      void props.onChange({ classifiers: props.settings.classifiers.map((x) => (x.id === c.id ? next(x) : x)) });
                    }}
                  />
                  Use {c.spec.name}
                </label>
                <span class="hint">
                  {c.spec.labels.length} labels, top {c.spec.topK} · <code>{c.id}</code>
                </span>
                <Show when={c.problem}>{(p) => <p class="error classifier-problem">{p().message}</p>}</Show>
                <button
                  type="button"
                  class="danger"
                  aria-label={`Remove ${c.spec.name}`}
                  onClick={() => void removeClassifierModel(props.vault, c.id).then(() => props.onChange({ classifiers: props.settings.classifiers.filter((x) => x.id !== c.id) }))}
                >
                  Remove
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <form class="settings-form" ref={form} onSubmit={(e) => void submit(e)} aria-label="Import a classifier">
        <label for="classifier-model">Model (.onnx)</label>
        <input id="classifier-model" type="file" accept=".onnx,application/octet-stream" onChange={(e) => setModel(e.currentTarget.files?.[0])} />
        <label for="classifier-labels">Labels (.txt, one per line; optional if the spec lists them)</label>
        <input id="classifier-labels" type="file" accept=".txt,text/plain" onChange={(e) => setLabels(e.currentTarget.files?.[0])} />
        <label for="classifier-spec">Input spec (JSON)</label>
        <textarea id="classifier-spec" rows="3" autocomplete="off" spellcheck={false} placeholder={SPEC_PLACEHOLDER} value={spec()} onInput={(e) => setSpec(e.currentTarget.value)} />
        <p class="hint">
          Before it is kept, the model is checked: its graph may cost at most {CLASSIFIER_COST_LIMITS.maxFlops / 1e9} GFLOP per photo, and it must load and run once within{' '}
          {DEFAULT_ML_BUDGETS.importMs / 1000} s. On photos it has {DEFAULT_ML_BUDGETS.classifyMs / 1000} s each; a classifier that takes longer is
          stopped and turned off.
        </p>
        <label for="classifier-sha256">SHA-256 of the model, as published (recommended)</label>
        <input id="classifier-sha256" spellcheck={false} autocomplete="off" value={sha256()} onInput={(e) => setSha256(e.currentTarget.value)} />
        <Show when={problem()}>
          {(text) => (
            <p class="error" role="alert" id="classifier-problem">
              {text()}
            </p>
          )}
        </Show>
        <Show when={imported()}>
          {(text) => (
            <p class="ok" role="status">
              {text()}
            </p>
          )}
        </Show>
        <div class="row">
          <button type="submit" disabled={busy()}>
            {busy() ? 'Checking…' : 'Import classifier'}
          </button>
        </div>
      </form>
    </>
  );
}
