import type { Vault } from '../vault/vault.ts';
import type { HeaderChange } from '../vault/vault-secrets.ts';
import { storageLockMarker, type LockMarker } from './lock-marker.ts';
import { openTabChannel, type LockWhy, type TabChannel } from './tab-channel.ts';

/**
 * Why another tab's doing locks this one: a lock message (`manual`, `idle`, `rotating`),
 * `missed` (the lock marker changed while this tab was not running), `stale` (its vault header
 * is not the one another tab announced: that tab's change cannot be taken up).
 */
export type TabLockCause = LockWhy | 'missed' | 'stale';

/** What the tab session needs of this tab's session (src/app/session.ts). */
export interface TabSessionHost {
  /** This tab's vault while unlocked (or showing a new vault's recovery key), else undefined. */
  vault(): Vault | undefined;
  /** Locks this tab only; the app says why in the person's words. */
  lockHere(cause: TabLockCause): void;
  /** Another tab stored this device's settings: read them again. */
  settingsChanged?(): void;
}

export interface TabSession {
  /** This tab has `vault` open: a lock anywhere now locks it, and its header changes are told to the others. */
  opened(vault: Vault): void;
  /** This tab locks for `why`: every other tab of the profile locks too. */
  lockOthers(why: LockWhy): void;
  /** This tab stored the device's settings: the others read them again. */
  settingsSaved(): void;
  /** The channel, shared with auto-lock (idle is counted across tabs). */
  readonly channel: TabChannel;
  close(): void;
}

type Events = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

export interface TabSessionOptions {
  readonly channel?: TabChannel;
  readonly marker?: LockMarker;
  /** Where focus, pageshow and storage events arrive (window), and visibilitychange and resume (document). */
  readonly window?: Events;
  readonly document?: Events & { readonly visibilityState?: DocumentVisibilityState };
}

/**
 * Many tabs of one profile are one session (issue 18 §3): a lock in one locks all; a new
 * passphrase or recovery key stored by one is taken up by the others (their header would be
 * stale), a rotation locks them first. A tab that missed the message checks the lock marker
 * (lock-marker.ts) whenever it runs again: when it is shown, focused, resumed, restored, or
 * another tab writes the marker.
 */
export function joinTabSession(host: TabSessionHost, options: TabSessionOptions = {}): TabSession {
  const channel = options.channel ?? openTabChannel();
  const marker = options.marker ?? storageLockMarker();
  const win = options.window ?? (typeof window === 'undefined' ? undefined : window);
  const doc = options.document ?? (typeof document === 'undefined' ? undefined : document);
  /** The marker as this tab last knew it while its vault was open. */
  let seen: string | undefined;
  let stopHeader: (() => void) | undefined;

  const lockHere = (cause: TabLockCause) => {
    stopHeader?.();
    stopHeader = undefined;
    if (host.vault()) host.lockHere(cause);
  };
  const checkMarker = () => {
    if (host.vault() && marker.read() !== seen) lockHere('missed');
  };
  const onVisible = () => doc?.visibilityState !== 'hidden' && checkMarker();
  const onStorage = (event: Event) => {
    if ((event as StorageEvent).key === marker.key) checkMarker();
  };

  const unlisten = channel.listen((message) => {
    if (message.type === 'lock') lockHere(message.why);
    else if (message.type === 'settings') {
      if (host.vault()) host.settingsChanged?.();
    } else if (message.type === 'header') {
      const vault = host.vault();
      if (!vault) return;
      // Not the header announced (it changed again, e.g. a rotation): this tab's header is stale.
      void vault.secrets.adoptHeader(message.digest).then(
        (adopted) => adopted || lockHere('stale'),
        () => lockHere('stale'),
      );
    }
  });
  const lockOthers = (why: LockWhy) => {
    seen = marker.bump();
    channel.post({ type: 'lock', why });
  };
  const onHeader = (change: HeaderChange) => {
    if (change.kind === 'rewrapped') channel.post({ type: 'header', digest: change.digest });
    else lockOthers('rotating');
  };

  win?.addEventListener('focus', checkMarker);
  win?.addEventListener('pageshow', checkMarker);
  win?.addEventListener('storage', onStorage);
  doc?.addEventListener('visibilitychange', onVisible);
  doc?.addEventListener('resume', checkMarker);

  return {
    channel,
    opened: (vault) => {
      seen = marker.read();
      stopHeader?.();
      stopHeader = vault.secrets.onHeaderChange(onHeader);
    },
    lockOthers,
    settingsSaved: () => channel.post({ type: 'settings' }),
    close: () => {
      unlisten();
      stopHeader?.();
      win?.removeEventListener('focus', checkMarker);
      win?.removeEventListener('pageshow', checkMarker);
      win?.removeEventListener('storage', onStorage);
      doc?.removeEventListener('visibilitychange', onVisible);
      doc?.removeEventListener('resume', checkMarker);
      channel.close();
    },
  };
}
