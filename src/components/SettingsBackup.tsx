import { createSignal, Show } from 'solid-js';
import type { Vault } from '../../sync/vault/vault.ts';
import { encryptedBackup, plainExport } from '../app/backup.ts';
import { downloadBlob } from '../app/backup-files.ts';
import { errorCode, messageFor } from '../app/messages.ts';

const megabytes = (bytes: number) => (bytes < 1e6 ? `${Math.max(1, Math.round(bytes / 1e3))} KB` : `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`);

/** Backup and export: the encrypted backup file, the plain zip (after a warning), and how to restore. */
export function SettingsBackup(props: { vault: Vault }) {
  const [busy, setBusy] = createSignal(false);
  const [progress, setProgress] = createSignal<string>();
  const [result, setResult] = createSignal<{ ok: boolean; text: string }>();
  const [confirmPlain, setConfirmPlain] = createSignal(false);

  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    setResult(undefined);
    try {
      setResult({ ok: true, text: await work() });
    } catch (e) {
      setResult({ ok: false, text: messageFor(errorCode(e), e instanceof Error ? e.message : undefined) });
    } finally {
      setBusy(false);
      setProgress(undefined);
    }
  };

  const backup = () =>
    run(async () => {
      setProgress('Preparing the backup…');
      const made = await encryptedBackup(props.vault, (p) => setProgress(`Writing the backup… ${p.done} of ${p.total}`));
      if (!made.ok) throw Object.assign(new Error(made.error.message), { code: made.error.code });
      downloadBlob(made.value.blob, made.value.name);
      const missing = made.value.summary.missingBlobs.length;
      return (
        `Saved ${made.value.name} (${megabytes(made.value.summary.bytes)}, ${made.value.summary.blobs} photo files). Keep it somewhere safe; it opens only with your passphrase or recovery key.` +
        (missing > 0 ? ` ${missing} photo files have not reached this device yet and are not in it.` : '')
      );
    });

  const exportPlain = () =>
    run(async () => {
      setConfirmPlain(false);
      setProgress('Preparing the export…');
      const made = await plainExport(props.vault, (done, total) => setProgress(`Exporting notebook ${done} of ${total}…`));
      downloadBlob(made.blob, made.name);
      return (
        `Saved ${made.name} (${megabytes(made.blob.size)}): ${made.summary.notes} notes, ${made.summary.photos} photos. This file is not encrypted.` +
        (made.summary.photosMissing > 0 ? ` ${made.summary.photosMissing} photos are not on this device yet and are not in it.` : '')
      );
    });

  return (
    <section class="settings-section" id="settings-backup" aria-labelledby="settings-backup-title">
      <h2 id="settings-backup-title">Backup and export</h2>

      <h3>Encrypted backup</h3>
      <p class="hint">
        One file with all notebooks, notes, labels and photos, exactly as they are stored here: encrypted. It opens only with your passphrase
        or your recovery key, so it is safe to keep in a cloud drive.
      </p>
      <div class="row">
        <button type="button" class="primary" onClick={() => void backup()} disabled={busy()}>
          Download encrypted backup
        </button>
      </div>

      <h3>Plain export</h3>
      <p class="hint">A zip with a folder per notebook: each note as Markdown, a notes.json, and the photos, readable by any app.</p>
      <Show
        when={confirmPlain()}
        fallback={
          <div class="row">
            <button type="button" onClick={() => setConfirmPlain(true)} disabled={busy()}>
              Export notes and photos…
            </button>
          </div>
        }
      >
        <div class="backup-warning" role="alertdialog" aria-labelledby="plain-warning-title" aria-describedby="plain-warning-text">
          <p id="plain-warning-title">
            <strong>This file is NOT encrypted.</strong>
          </p>
          <p id="plain-warning-text">
            Anyone who gets the zip can see every photo and read every note. Save it only where you would keep the photos themselves.
          </p>
          <div class="row">
            <button type="button" class="danger" onClick={() => void exportPlain()} disabled={busy()}>
              Export unencrypted zip
            </button>
            <button type="button" onClick={() => setConfirmPlain(false)}>
              Cancel
            </button>
          </div>
        </div>
      </Show>

      <h3>Restore</h3>
      <p class="hint">
        To restore a backup, open Obscura in a browser or profile that has no vault yet and choose “Restore from a backup” on the first screen.
        This device already has a vault, so restoring here is not offered (it would replace it).
      </p>

      <Show when={progress()}>
        {(text) => (
          <p class="backup-progress" role="status" aria-live="polite">
            {text()}
          </p>
        )}
      </Show>
      <Show when={result()}>
        {(r) => (
          <p class={r().ok ? 'ok' : 'error'} role={r().ok ? 'status' : 'alert'}>
            {r().text}
          </p>
        )}
      </Show>
    </section>
  );
}
