/**
 * Which tab works on a photo (imports it, or has it in its tagging queue): the one that holds
 * its Web Lock (navigator.locks, shared by every tab of the profile and let go by the browser
 * when a tab closes or crashes). Note: each tab keeps its own copy of a notebook; a tab that
 * opened a notebook while another imported into it took that tab's "importing" notes for
 * imports a closed tab left behind and marked them failed (issue 18 §5), and two tabs tagged
 * the same photos. With the locks, a note whose lock is held is another tab's work in progress.
 */
export interface PhotoLocks {
  /** Takes the photo's lock for this tab (true), or false when another tab holds it. Kept until release. */
  claim(notebookId: string, noteId: string): Promise<boolean>;
  /** Lets the photo's lock go (this tab is done with it). */
  release(notebookId: string, noteId: string): void;
  /** The notes of a notebook whose lock some tab holds now (this one included). */
  held(notebookId: string): Promise<Set<string>>;
}

type Locks = Pick<LockManager, 'request' | 'query'>;

const PREFIX = 'obscura-photo/';
const lockName = (notebookId: string, noteId: string) => `${PREFIX}${notebookId}/${noteId}`;

/** The page's photo locks; without Web Locks (an old browser) each tab only knows its own. */
export function photoLocks(locks: Locks | undefined = browserLocks()): PhotoLocks {
  /** Locks this tab holds (or is being granted): name → release. */
  const mine = new Map<string, Promise<(() => void) | undefined>>();

  const claim = (notebookId: string, noteId: string): Promise<boolean> => {
    const name = lockName(notebookId, noteId);
    let granted = mine.get(name);
    if (!granted) {
      granted = locks ? take(locks, name) : Promise.resolve(() => undefined);
      mine.set(name, granted);
      void granted.then((release) => release ?? (mine.get(name) === granted && mine.delete(name)));
    }
    return granted.then((release) => release !== undefined);
  };
  const release = (notebookId: string, noteId: string) => {
    const name = lockName(notebookId, noteId);
    const granted = mine.get(name);
    mine.delete(name);
    void granted?.then((done) => done?.());
  };
  const held = async (notebookId: string): Promise<Set<string>> => {
    const prefix = `${PREFIX}${notebookId}/`;
    const names = new Set<string>([...mine.keys()]);
    if (locks) for (const lock of (await locks.query()).held ?? []) if (lock.name) names.add(lock.name);
    return new Set([...names].filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length)));
  };
  return { claim, release, held };
}

/** Resolves with the release once granted, or undefined when another tab holds the lock. */
function take(locks: Locks, name: string): Promise<(() => void) | undefined> {
  return new Promise((resolve) => {
    locks
      .request(name, { ifAvailable: true }, (lock) => {
        if (!lock) {
          resolve(undefined);
          return undefined;
        }
        // Held until this promise settles: the lock's life is the work's.
        return new Promise<void>((done) => resolve(done));
      })
      .catch(() => resolve(undefined));
  });
}

function browserLocks(): Locks | undefined {
  return typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : undefined;
}
