import { createSignal, type Accessor } from 'solid-js';
import { FACERES_IO } from '../../ml/faces/embed-face.ts';
import { FACE_RECORD, loadFaceRecord, type FaceRecord } from '../../sync/vault/face-record.ts';
import type { Vault } from '../../sync/vault/vault.ts';

export { FACE_RECORD };

/**
 * This device's face embeddings (sync/vault/face-record.ts) for the UI. Each device with
 * "Group faces" on computes its own from the photos it holds; turning the setting off
 * removes the record.
 */
export interface FaceStore extends FaceRecord {
  /** Changes whenever faces are added. */
  readonly version: Accessor<number>;
}

/** Reads this device's record; a missing or damaged one is an empty store (its notes are scanned again). */
export async function loadFaceStore(vault: Pick<Vault, 'loadDeviceRecord' | 'saveDeviceRecord'>): Promise<FaceStore> {
  const [version, setVersion] = createSignal(0);
  const record = await loadFaceRecord(vault, { dims: FACERES_IO.dims, onChange: () => setVersion((v) => v + 1) });
  return Object.assign(record, { version });
}
