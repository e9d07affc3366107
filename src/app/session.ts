import { createSignal, type Accessor } from 'solid-js';
import { runPwhashInWorker } from '../../crypto/pwhash-worker-start.ts';
import { createVault } from '../../sync/vault/create-vault.ts';
import { unlockVault, type UnlockSecret } from '../../sync/vault/unlock-vault.ts';
import type { Vault } from '../../sync/vault/vault.ts';
import { hasVault, type VaultServices } from '../../sync/vault/vault-services.ts';
import { linkDevice, type LinkDeviceArgs } from '../../sync/vault/link-device.ts';
import { handoverChoiceIn, type HandoverChoice } from '../../sync/vault/handover-choice.ts';
import { restoreBackup, type RestoreOptions, type RestoreProgress } from '../../sync/backup/backup-restore.ts';
import { BlobStore } from '../../sync/blob/blob-store.ts';
import { fileSource } from './backup-files.ts';
import { withImmediateCommits } from './immediate-commits.ts';
import { browserServices } from './services.ts';
import { errorCode, messageFor } from './messages.ts';
import { cleanDeviceName } from './device-name.ts';
import { appSettings, loadSettings, onSettingsSaved, updateSettings } from './settings-store.ts';
import { moveLegacyDeviceName } from './move-legacy-device-name.ts';
import { clearUnlockWait, readUnlockWait, recordWrongSecret, waitLeft } from '../../sync/tabs/unlock-wait.ts';
import type { LockWhy } from '../../sync/tabs/tab-channel.ts';
import { joinTabSession, type TabLockCause, type TabSession, type TabSessionHost } from '../../sync/tabs/tab-session.ts';

/** Why a tab locks: what the others are told, or `stale` (its vault header is stale: this tab only). */
export type SessionLockWhy = LockWhy | 'stale';

export type Phase =
  | { name: 'loading' }
  | { name: 'setup' }
  | { name: 'recovery'; vault: Vault; recoveryKey: string }
  | { name: 'locked' }
  | { name: 'unlocked'; vault: Vault };

export interface Session {
  readonly phase: Accessor<Phase>;
  readonly busy: Accessor<boolean>;
  readonly error: Accessor<string | undefined>;
  /** When the unlock screen may take the next secret (wall-clock ms), after wrong ones in a row (unlock-wait.ts). */
  readonly retryAt: Accessor<number>;
  /** `deviceName`: what the person calls this device (sealed settings and vault doc). */
  create(passphrase: string, deviceName: string): Promise<void>;
  confirmRecoverySaved(): void;
  /** `newPassphrase` beside a recovery key when `newPassphraseNeeded` says so. */
  unlock(secret: UnlockSecret): Promise<void>;
  /**
   * The recovery key opened this device but a new vault key waits for it (another device removed
   * one): only a passphrase can wrap it, so the unlock screen asks for a new one (E_HANDOVER_PASSPHRASE).
   */
  readonly newPassphraseNeeded: Accessor<boolean>;
  /**
   * Another of the person's devices removed one and handed this one a new vault key: who
   * removed whom (E_HANDOVER_CHOICE). The unlock screen asks which device to keep and unlocks
   * again with `keep` (sync/vault/handover-choice.ts).
   */
  readonly handoverChoice: Accessor<HandoverChoice | undefined>;
  /**
   * First run: restores an encrypted backup file (sync/backup), then unlocks it with the same secret.
   * Answers 'unsealed' when the file has no seal (made by an older version) and `acceptUnsealed` was not given.
   */
  restore(file: Blob, secret: { passphrase: string } | { recoveryKey: string }, onProgress?: (progress: RestoreProgress) => void, options?: RestoreOptions): Promise<'unsealed' | undefined>;
  /** First run on a new device: the vault key comes from the person's other device (device link). */
  linkDevice(args: LinkDeviceArgs & { readonly deviceName: string }): Promise<void>;
  /**
   * Locks this tab and every other tab of the profile (`why` picks what they say); `reason`
   * (already in the person's words) is shown on this tab's unlock screen.
   */
  lock(reason?: string, why?: SessionLockWhy): Promise<void>;
  /** What the profile's tabs share: the channel auto-lock counts activity over. */
  readonly tabs: TabSession;
}

/** What a tab says on its unlock screen when another tab's doing locked it. */
const TAB_LOCK_REASONS: Record<TabLockCause, string> = {
  manual: 'Locked in another Obscura tab.',
  idle: 'Locked: no activity in any Obscura tab for the time set in Settings.',
  rotating: 'The vault key is being rotated in another tab. When it is done, unlock with your passphrase.',
  missed: 'Locked in another Obscura tab while this one was in the background.',
  stale: messageFor('E_VAULT_HEADER_CHANGED'),
};

const HANDOVER_REASON =
  'Another of your devices removed a device from your vault and gave this one a new key. Unlock with your passphrase to say which device you keep (or with your recovery key and a new passphrase).';

/**
 * The name asked for at setup or link: in the sealed settings (presence announces it) and in
 * the vault doc (the person's other devices list it, also while this one is offline).
 */
async function nameDevice(vault: Vault, name: string): Promise<void> {
  const clean = cleanDeviceName(name);
  if (!clean) return;
  vault.devices.setName(clean);
  await updateSettings(vault, { deviceName: clean });
}

/** The app's one piece of top-level state: which screen, and the unlocked vault if any. */
export function createSession(services: VaultServices = browserServices(), joinTabs: (host: TabSessionHost) => TabSession = joinTabSession): Session {
  // Started now so the worker has libsodium loaded by the time a passphrase is typed.
  runPwhashInWorker();
  const [phase, setPhase] = createSignal<Phase>({ name: 'loading' });
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [retryAt, setRetryAt] = createSignal(Date.now() + waitLeft(readUnlockWait(), Date.now()));
  const [newPassphraseNeeded, setNewPassphraseNeeded] = createSignal(false);
  const [handoverChoice, setHandoverChoice] = createSignal<HandoverChoice>();

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(messageFor(errorCode(e), e instanceof Error ? e.message : undefined));
    } finally {
      setBusy(false);
    }
  };

  void hasVault(services).then(
    (exists) => setPhase({ name: exists ? 'locked' : 'setup' }),
    (e: unknown) => {
      setError(messageFor(errorCode(e), 'This browser does not let Obscura store data (private mode?).'));
      setPhase({ name: 'setup' });
    },
  );

  const current = (): Vault | undefined => {
    const p = phase();
    return p.name === 'unlocked' || p.name === 'recovery' ? p.vault : undefined;
  };

  /** Locks this tab only (another tab locked, or this one's header is stale). */
  const lockHere = async (reason?: string) => {
    await run(async () => {
      const vault = current();
      setPhase({ name: 'locked' });
      await vault?.lock();
    });
    if (reason) setError(reason);
  };
  const lockAll = async (reason?: string, why: SessionLockWhy = 'manual'): Promise<void> => {
    if (why !== 'stale') tabs.lockOthers(why);
    await lockHere(reason);
  };
  const tabs = joinTabs({
    vault: current,
    lockHere: (cause) => void lockHere(TAB_LOCK_REASONS[cause]),
    settingsChanged: () => {
      const vault = current();
      if (vault) void loadSettings(vault);
    },
  });
  onSettingsSaved(() => tabs.settingsSaved());
  const opened = (vault: Vault) => {
    tabs.opened(vault);
    // Another device of the person removed one and handed this one the new vault key: the
    // next unlock with the passphrase takes it up (vault.handover.follow), so lock every tab now.
    vault.handover.onArrival(() => {
      if (current() === vault) void lockAll(HANDOVER_REASON);
    });
    return vault;
  };

  // Seal and store what is pending before the page goes away.
  // The flush seals and writes synchronously; committing those writes at once is what makes
  // them survive a reload (see immediate-commits.ts).
  const flushOnHide = () => withImmediateCommits(() => void current()?.flush());
  addEventListener('pagehide', flushOnHide);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && flushOnHide());

  /** Unlocks into the unlocked screens, or says why not and answers the error's code. */
  const enter = async (secret: UnlockSecret): Promise<string | undefined> => {
    const result = await unlockVault(services, secret);
    if (!result.ok) {
      if (result.error.code === 'E_HANDOVER_PASSPHRASE') setNewPassphraseNeeded(true);
      const choice = handoverChoiceIn(result.error);
      setHandoverChoice(choice);
      setError(choice ? undefined : messageFor(result.error.code, result.error.message));
      return result.error.code;
    }
    setNewPassphraseNeeded(false);
    setHandoverChoice(undefined);
    // Before the unlocked screens: sync must dial this device's servers, not the defaults first,
    // and announce this device's name.
    await loadSettings(result.value);
    await moveLegacyDeviceName(result.value);
    // A device named before names were kept in the vault doc: its other devices learn it now.
    const named = appSettings().deviceName;
    if (named && !result.value.devices.list().find((d) => d.self)?.name) result.value.devices.setName(named);
    setPhase({ name: 'unlocked', vault: opened(result.value) });
    return undefined;
  };

  return {
    phase,
    busy,
    error,
    newPassphraseNeeded,
    handoverChoice,
    create: (passphrase, deviceName) =>
      run(async () => {
        const created = await createVault(services, passphrase).catch((e: unknown) => {
          if (errorCode(e) !== 'E_VAULT_EXISTS') throw e;
          return undefined;
        });
        if (created) {
          await nameDevice(created.vault, deviceName);
          setPhase({ name: 'recovery', vault: opened(created.vault), recoveryKey: created.recoveryKey });
          return;
        }
        // Another tab of this browser made a vault since this one showed the first-run screen.
        setPhase({ name: 'locked' });
        setError('This browser already has a vault, made in another tab, so no new one was created. Unlock it with its passphrase.');
      }),
    linkDevice: (args) =>
      run(async () => {
        const linked = await linkDevice(services, args);
        if (!linked.ok) {
          setError(messageFor(linked.error.code, linked.error.message));
          return;
        }
        await nameDevice(linked.value.vault, args.deviceName);
        // No recovery key to show: the vault's arrives with its doc and opens this device too.
        setPhase({ name: 'unlocked', vault: opened(linked.value.vault) });
      }),
    confirmRecoverySaved: () => {
      const p = phase();
      if (p.name === 'recovery') setPhase({ name: 'unlocked', vault: p.vault });
    },
    restore: async (file, secret, onProgress, options) => {
      let unsealed = false;
      await run(async () => {
        const restored = await restoreBackup(services, new BlobStore(services.storage), fileSource(file), secret, onProgress, options);
        unsealed = !restored.ok && restored.error.code === 'E_BACKUP_UNSEALED';
        if (!restored.ok) {
          // The usual wording of these is about linking and importing; the restore says what it did.
          const own = restored.error.code === 'E_VAULT_EXISTS' || restored.error.code === 'E_STORAGE_FULL';
          setError(own ? restored.error.message : messageFor(restored.error.code, restored.error.message));
          return;
        }
        if ((await enter(secret)) !== undefined) setPhase({ name: 'locked' });
      });
      return unsealed ? 'unsealed' : undefined;
    },
    retryAt,
    unlock: (secret) =>
      run(async () => {
        // The screen holds its button meanwhile; another tab's wrong tries count here too.
        const left = waitLeft(readUnlockWait(), Date.now());
        if (left > 0) return void setRetryAt(Date.now() + left);
        const failed = await enter(secret);
        if (failed === undefined) clearUnlockWait();
        else if (failed === 'E_PASSPHRASE' || failed === 'E_RECOVERY_KEY') setRetryAt(recordWrongSecret(Date.now()).until);
      }),
    lock: lockAll,
    tabs,
  };
}
