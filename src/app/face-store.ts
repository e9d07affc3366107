import { createSignal, type Accessor } from 'solid-js';
import { FACERES_IO } from '../../ml/faces/embed-face.ts';
import { FACE_RECORD, loadFaceRecord, type FaceRecord, type FaceRecordOptions } from '../../sync/vault/face-record.ts';
import type { Vault } from '../../sync/vault/vault.ts';

export { FACE_RECORD };

/**
 * This device's face embeddings (sync/vault/face-record.ts) for the UI. Each device with
 * "Group faces" on computes its own from the photos it holds; turning the setting off
 * removes the record.
 */
export interface FaceStore extends Omit<FaceRecord, 'problem'> {
  /** Changes whenever the faces change (found here, or saved by another tab of the profile). */
  readonly version: Accessor<number>;
  /** E_FACES_UNSAVED while the faces found could not be saved (full disk): they are kept and saved again. */
  readonly problem: Accessor<'E_FACES_UNSAVED' | undefined>;
}

/** Reads this device's record; a missing or damaged one is an empty store (its notes are scanned again). */
export async function loadFaceStore(vault: Pick<Vault, 'records'>, exclusive?: FaceRecordOptions['exclusive']): Promise<FaceStore> {
  const [version, setVersion] = createSignal(0);
  const [problem, setProblem] = createSignal<'E_FACES_UNSAVED'>();
  const record: FaceRecord = await loadFaceRecord(vault.records, {
    dims: FACERES_IO.dims,
    exclusive,
    onChange: () => setVersion((v) => v + 1),
    onProblem: () => setProblem(record.problem()),
  });
  return { ...record, version, problem };
}
