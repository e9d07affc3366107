import { validateClassifierSpec } from '../../ml/classify/classifier-spec.ts';
import { sha256Hex } from '../../ml/runtime/sha256.ts';
import type { Result } from '../../crypto/index.ts';
import type { Vault } from '../../sync/vault/vault.ts';
import type { ErrorCode } from './error-code.ts';
import { errorCode } from './messages.ts';
import { appSettings, updateSettings, type ClassifierProblem, type ClassifierSetting } from './settings-store.ts';
import type { TaggingService } from './tagging-service.ts';

export interface ClassifierFiles {
  readonly model: Uint8Array;
  /** The spec as JSON text (inputName at least; see ml/classify/classifier-spec.ts). */
  readonly spec: string;
  /** One label per line; overrides the spec's labels when given. */
  readonly labels?: string;
  /** The sha256 the model was published with; the file must match it. */
  readonly expectedSha256?: string;
}

export type ClassifierImportResult = Result<ClassifierSetting, ErrorCode>;

const recordName = (id: string) => `classifier-model:${id}`;

/**
 * Checks an imported classifier end to end before keeping it: spec, sha256 (against the one
 * the person was given, if any), and a real load in the ML worker (inputs, outputs, label
 * count). Only then are the model bytes stored, sealed under the vault key on this device.
 */
export async function importClassifierFiles(vault: Vault, tagging: Pick<TaggingService, 'importClassifier'>, files: ClassifierFiles): Promise<ClassifierImportResult> {
  let specJson: unknown;
  try {
    specJson = JSON.parse(files.spec);
  } catch {
    return { ok: false, error: { code: 'E_SPEC_INVALID', message: 'the input spec is not JSON' } };
  }
  const labels = files.labels?.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const spec = validateClassifierSpec(labels && typeof specJson === 'object' && specJson !== null ? { ...specJson, labels } : specJson);
  if (!spec.ok) return { ok: false, error: spec.error };
  const sha256 = await sha256Hex(files.model);
  const expected = files.expectedSha256?.trim().toLowerCase();
  if (expected && expected !== sha256) {
    return { ok: false, error: { code: 'E_MODEL_HASH', message: `the file's sha256 is ${sha256}, not the expected ${expected}` } };
  }
  try {
    // The worker takes (moves) its copy; ours is what gets stored.
    const imported = await tagging.importClassifier(files.model.slice(), spec.spec, sha256);
    await vault.records.save(recordName(imported.id), files.model);
    return { ok: true, value: { id: imported.id, sha256, spec: spec.spec, enabled: true } };
  } catch (e) {
    return { ok: false, error: { code: errorCode(e), message: e instanceof Error ? e.message : String(e) } };
  }
}

/** The stored model bytes of an imported classifier, or undefined if missing or not openable. */
export async function loadClassifierModel(vault: Vault, id: string): Promise<Uint8Array | undefined> {
  const record = await vault.records.load(recordName(id));
  return record?.ok ? record.value : undefined;
}

export async function removeClassifierModel(vault: Vault, id: string): Promise<void> {
  await vault.records.remove(recordName(id));
}

/**
 * Saves an imported classifier as off, with why (tagging-service.ts turns it off when it
 * ran past its budget or cannot be loaded). Turning it on again in Settings clears `problem`.
 */
export async function turnOffClassifier(vault: Vault, id: string, problem: ClassifierProblem): Promise<void> {
  if (!appSettings().classifiers.some((c) => c.id === id)) return;
  await updateSettings(vault, (stored) => ({ classifiers: stored.classifiers.map((c) => (c.id === id ? { ...c, enabled: false, problem } : c)) }));
}
