/**
 * A value every lock replaces, kept where every tab of the profile reads it at once
 * (localStorage). Note: a lock is told to the other tabs over the tab channel, but a tab may
 * miss the message (frozen, discarded, restored from the back-forward cache); such a tab
 * compares the marker with the one it saw at unlock whenever it runs again, and locks if
 * they differ. It holds no secret: a random id, replaced on each lock.
 */
export interface LockMarker {
  /** The current value; undefined where nothing can be stored (then only messages lock). */
  read(): string | undefined;
  /** Replaces the value (a lock happened) and returns the new one. */
  bump(): string | undefined;
  /** The storage key, to recognise its `storage` events. */
  readonly key: string;
}

const KEY = 'obscura-lock-marker';

export function storageLockMarker(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined = browserStorage(), key = KEY): LockMarker {
  return {
    key,
    read: () => {
      try {
        return storage?.getItem(key) ?? undefined;
      } catch {
        return undefined;
      }
    },
    bump: () => {
      const next = crypto.randomUUID();
      try {
        storage?.setItem(key, next);
        return next;
      } catch {
        return undefined;
      }
    },
  };
}

function browserStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    // Some private modes throw on the first touch of localStorage.
    return undefined;
  }
}
