import { createSignal, Show } from 'solid-js';
import type { RestoreProgress } from '../../sync/backup/backup-restore.ts';
import type { Session } from '../app/session.ts';

const progressText = (p: RestoreProgress): string =>
  p.phase === 'checking' ? `Checking the file… ${Math.floor((100 * p.done) / Math.max(1, p.total))}%`
  : p.phase === 'unlocking' ? 'Opening the backup with your secret…'
  : `Restoring… ${p.done} of ${p.total}`;

/**
 * First run: restore an encrypted backup. The whole file is checked and opened before
 * anything is written (sync/backup/backup-restore.ts), so a wrong file or secret changes nothing.
 */
export function RestoreBackup(props: { session: Session; onCancel: () => void }) {
  const [file, setFile] = createSignal<File>();
  const [useRecovery, setUseRecovery] = createSignal(false);
  const [secret, setSecret] = createSignal('');
  const [problem, setProblem] = createSignal<string>();
  const [progress, setProgress] = createSignal<RestoreProgress>();
  // Set when the picked file turned out to have no seal (E_BACKUP_UNSEALED): the person decides.
  const [unsealed, setUnsealed] = createSignal<File>();
  const [acceptUnsealed, setAcceptUnsealed] = createSignal(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const picked = file();
    setProblem(!picked ? 'Choose the backup file (.obscura) first.' : !secret() ? (useRecovery() ? 'Enter the recovery key.' : 'Enter the passphrase.') : undefined);
    if (!picked || !secret()) return;
    const accepted = unsealed() === picked && acceptUnsealed();
    const outcome = await props.session.restore(picked, useRecovery() ? { recoveryKey: secret() } : { passphrase: secret() }, setProgress, { acceptUnsealed: accepted });
    setUnsealed(outcome === 'unsealed' ? picked : undefined);
    setProgress(undefined);
  };

  return (
    <form class="card restore-backup" onSubmit={(e) => void submit(e)} aria-labelledby="restore-title">
      <h1 id="restore-title">Restore from a backup</h1>
      <p class="hint">
        Choose an encrypted backup (<code>.obscura</code>) made in Settings. It opens with the passphrase or the recovery key the vault had when
        the backup was made. The file is checked completely before anything is saved on this device.
      </p>
      <label for="restore-file">Backup file</label>
      <input
        id="restore-file"
        type="file"
        accept=".obscura,application/octet-stream"
        onChange={(e) => {
          setFile(e.currentTarget.files?.[0]);
          setAcceptUnsealed(false);
        }}
      />
      <fieldset class="restore-secret">
        <legend>Open it with</legend>
        <label>
          <input type="radio" name="restore-secret" checked={!useRecovery()} onChange={() => setUseRecovery(false)} /> Passphrase
        </label>
        <label>
          <input type="radio" name="restore-secret" checked={useRecovery()} onChange={() => setUseRecovery(true)} /> Recovery key
        </label>
      </fieldset>
      <label for="restore-secret-input">{useRecovery() ? 'Recovery key' : 'Passphrase'}</label>
      <input
        id="restore-secret-input"
        type={useRecovery() ? 'text' : 'password'}
        autocomplete="off"
        spellcheck={false}
        value={secret()}
        onInput={(e) => setSecret(e.currentTarget.value)}
      />
      <Show when={progress()}>
        {(p) => (
          <p class="restore-progress" role="status" aria-live="polite">
            {progressText(p())}
          </p>
        )}
      </Show>
      <Show when={problem() ?? props.session.error()}>{(text) => <p class="error" role="alert">{text()}</p>}</Show>
      <Show when={unsealed() !== undefined && unsealed() === file()}>
        <label class="check">
          <input type="checkbox" checked={acceptUnsealed()} onChange={(e) => setAcceptUnsealed(e.currentTarget.checked)} /> This is the file I saved: restore
          it without the check
        </label>
      </Show>
      <div class="row">
        <button type="submit" class="primary" disabled={props.session.busy()}>
          {props.session.busy() ? 'Restoring…' : 'Restore'}
        </button>
        <button type="button" onClick={() => props.onCancel()} disabled={props.session.busy()}>
          Back
        </button>
      </div>
    </form>
  );
}
