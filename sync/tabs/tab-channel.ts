/**
 * What the tabs of one profile tell each other (BroadcastChannel, same origin only). Nothing
 * secret crosses it: which kind of lock, that someone is active, how long a tab has been idle,
 * the digest of a stored vault header. A message is checked where it enters (parseTabMessage):
 * anything else on the channel is dropped.
 */
export type LockWhy = 'manual' | 'idle' | 'rotating';

export type TabMessage =
  /** Lock now; `why` picks the words the other tab shows. */
  | { readonly type: 'lock'; readonly why: LockWhy }
  /** The person did something in the sending tab (throttled). */
  | { readonly type: 'active' }
  /** A tab whose idle time ran out asks the others before it locks everyone. */
  | { readonly type: 'idle-query'; readonly id: string }
  /** How long the answering tab has seen no activity; `held`: it must not lock now (a new recovery key on screen). */
  | { readonly type: 'idle-answer'; readonly id: string; readonly idleMs: number; readonly held: boolean }
  /** A new passphrase or recovery key was stored as the header with this digest (vault.secrets.adoptHeader). */
  | { readonly type: 'header'; readonly digest: string }
  /** This device's settings were stored anew: read them again. */
  | { readonly type: 'settings' };

export interface TabChannel {
  post(message: TabMessage): void;
  /** Returns the unsubscribe. */
  listen(listener: (message: TabMessage) => void): () => void;
  close(): void;
}

const LOCK_WHYS: ReadonlySet<string> = new Set<LockWhy>(['manual', 'idle', 'rotating']);
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const DIGEST = /^[0-9a-f]{64}$/;
/** An idle time longer than this is "idle for long": a day, far past any auto-lock choice. */
const MAX_IDLE_MS = 24 * 3600_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The message if `data` is one, else undefined. */
export function parseTabMessage(data: unknown): TabMessage | undefined {
  if (!isRecord(data)) return undefined;
  switch (data.type) {
    case 'lock':
      return typeof data.why === 'string' && LOCK_WHYS.has(data.why) ? { type: 'lock', why: data.why as LockWhy } : undefined;
    case 'active':
      return { type: 'active' };
    case 'idle-query':
      return typeof data.id === 'string' && ID.test(data.id) ? { type: 'idle-query', id: data.id } : undefined;
    case 'idle-answer': {
      const { id, idleMs, held } = data;
      if (typeof id !== 'string' || !ID.test(id) || typeof held !== 'boolean') return undefined;
      if (typeof idleMs !== 'number' || !Number.isFinite(idleMs) || idleMs < 0) return undefined;
      return { type: 'idle-answer', id, idleMs: Math.min(idleMs, MAX_IDLE_MS), held };
    }
    case 'settings':
      return { type: 'settings' };
    case 'header':
      return typeof data.digest === 'string' && DIGEST.test(data.digest) ? { type: 'header', digest: data.digest } : undefined;
    default:
      return undefined;
  }
}

/** The profile's channel; one that carries nothing where BroadcastChannel is missing. */
export function openTabChannel(name = 'obscura-session'): TabChannel {
  if (typeof BroadcastChannel === 'undefined') return { post: () => undefined, listen: () => () => undefined, close: () => undefined };
  const channel = new BroadcastChannel(name);
  const listeners = new Set<(message: TabMessage) => void>();
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const message = parseTabMessage(event.data);
    if (message) for (const listener of [...listeners]) listener(message);
  };
  return {
    post: (message) => channel.postMessage(message),
    listen: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => {
      listeners.clear();
      channel.close();
    },
  };
}
