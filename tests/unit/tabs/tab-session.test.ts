import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../crypto/index.ts';
import { storageLockMarker } from '../../../sync/tabs/lock-marker.ts';
import { openTabChannel, parseTabMessage } from '../../../sync/tabs/tab-channel.ts';
import { joinTabSession, type TabLockCause, type TabSession } from '../../../sync/tabs/tab-session.ts';
import { MemoryBoxPersistence } from '../../../sync/storage/memory-box-persistence.ts';
import { MemoryStorageAdapter } from '../../../sync/storage/memory-storage-adapter.ts';
import { createVault } from '../../../sync/vault/create-vault.ts';
import { unlockVault } from '../../../sync/vault/unlock-vault.ts';
import type { Vault } from '../../../sync/vault/vault.ts';
import type { VaultServices } from '../../../sync/vault/vault-services.ts';

const FAST = { opslimit: 1, memlimit: 8 * 1024 * 1024 };
const PASS = 'one profile';
let n = 0;

/** localStorage as every tab of a profile sees it: one store. */
function profileStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  const values = new Map<string, string>();
  return { getItem: (key) => values.get(key) ?? null, setItem: (key, value) => void values.set(key, value) };
}

interface Tab {
  vault: Vault | undefined;
  readonly causes: TabLockCause[];
  settingsRead: number;
  readonly session: TabSession;
  readonly window: EventTarget;
}

const open: Tab[] = [];

/** One tab: its own vault object over the profile's disk, its own channel object on `channelName`, the profile's marker. */
async function tab(services: VaultServices, storage: Pick<Storage, 'getItem' | 'setItem'>, channelName: string): Promise<Tab> {
  const unlocked = await unlockVault(services, { passphrase: PASS });
  if (!unlocked.ok) throw new Error(unlocked.error.message);
  const window = new EventTarget();
  const state: Tab = {
    vault: unlocked.value,
    causes: [],
    settingsRead: 0,
    window,
    session: joinTabSession(
      {
        vault: () => state.vault,
        lockHere: (cause) => {
          state.causes.push(cause);
          void state.vault?.lock();
          state.vault = undefined;
        },
        settingsChanged: () => state.settingsRead++,
      },
      { channel: openTabChannel(channelName), marker: storageLockMarker(storage), window, document: new EventTarget() },
    ),
  };
  state.session.opened(unlocked.value);
  open.push(state);
  return state;
}

async function profile(): Promise<{ services: VaultServices; storage: Pick<Storage, 'getItem' | 'setItem'>; channel: string; recoveryKey: string }> {
  const services = { storage: new MemoryStorageAdapter(), boxes: new MemoryBoxPersistence(), pwhash: FAST };
  const created = await createVault(services, PASS);
  await created.vault.lock();
  return { services, storage: profileStorage(), channel: `obscura-test-${n++}`, recoveryKey: created.recoveryKey };
}

const settle = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(sodiumReady);
afterEach(async () => {
  for (const t of open.splice(0)) {
    t.session.close();
    await t.vault?.lock();
  }
});

describe('tab session (sync/tabs/tab-session.ts): many tabs of one profile are one session', () => {
  it('a lock in one tab locks the other over the channel, saying why', async () => {
    const p = await profile();
    const a = await tab(p.services, p.storage, p.channel);
    const b = await tab(p.services, p.storage, p.channel);
    a.session.lockOthers('manual');
    await expect.poll(() => b.vault).toBeUndefined();
    expect(b.causes).toEqual(['manual']);
    expect(a.vault).toBeDefined();
  });

  it('a tab that missed the message locks as soon as it runs again (focus, pageshow, resume, visible) by the lock marker, not before', async () => {
    const p = await profile();
    const a = await tab(p.services, p.storage, p.channel);
    // Another channel name: b hears nothing a says, as a frozen or discarded tab would.
    const b = await tab(p.services, p.storage, `${p.channel}-deaf`);
    a.session.lockOthers('idle');
    await settle();
    expect(b.vault).toBeDefined();
    b.window.dispatchEvent(new Event('focus'));
    expect(b.vault).toBeUndefined();
    expect(b.causes).toEqual(['missed']);
  });

  it('the tab that locks others, or rotates, is not locked by its own marker; a tab unlocked after a lock is not locked by it', async () => {
    const p = await profile();
    const a = await tab(p.services, p.storage, p.channel);
    a.session.lockOthers('manual');
    a.window.dispatchEvent(new Event('focus'));
    expect(a.vault).toBeDefined();
    const c = await tab(p.services, p.storage, `${p.channel}-later`);
    c.window.dispatchEvent(new Event('pageshow'));
    expect(c.vault).toBeDefined();
  });

  it('a new recovery key in tab A: tab B takes up the stored header, so its passphrase change keeps the new key and the old one stays revoked', async () => {
    const p = await profile();
    const a = await tab(p.services, p.storage, p.channel);
    const b = await tab(p.services, p.storage, p.channel);
    const fresh = await a.vault!.secrets.regenerateRecoveryKey();
    if (!fresh.ok) throw new Error(fresh.error.message);
    await settle();
    const changed = await b.vault!.secrets.changePassphrase('typed in tab b');
    expect(changed.ok).toBe(true);
    expect(b.causes).toEqual([]);
    const old = await unlockVault(p.services, { recoveryKey: p.recoveryKey });
    expect(old.ok ? 'opens' : old.error.code).toBe('E_RECOVERY_KEY');
    const byNew = await unlockVault(p.services, { recoveryKey: fresh.value });
    expect(byNew.ok).toBe(true);
    if (byNew.ok) await byNew.value.lock();
  });

  it('a rotation in tab A locks tab B (rotating)', async () => {
    const p = await profile();
    const a = await tab(p.services, p.storage, p.channel);
    const b = await tab(p.services, p.storage, p.channel);
    const rotated = await a.vault!.rotation.rotate(PASS);
    expect(rotated.ok).toBe(true);
    await expect.poll(() => b.vault).toBeUndefined();
    expect(b.causes).toEqual(['rotating']);
    expect(a.vault?.locked).toBe(false);
  });

  it('settings stored in one tab make the other unlocked tabs read them again', async () => {
    const p = await profile();
    const a = await tab(p.services, p.storage, p.channel);
    const b = await tab(p.services, p.storage, p.channel);
    a.session.settingsSaved();
    await expect.poll(() => b.settingsRead).toBe(1);
    expect(a.settingsRead).toBe(0);
  });

  it('a header message naming another header than the stored one locks the tab (its header is stale)', async () => {
    const p = await profile();
    const b = await tab(p.services, p.storage, p.channel);
    const sender = openTabChannel(p.channel);
    sender.post({ type: 'header', digest: 'ab'.repeat(32) });
    await expect.poll(() => b.vault).toBeUndefined();
    expect(b.causes).toEqual(['stale']);
    sender.close();
  });
});

describe('tab channel messages (parseTabMessage)', () => {
  it('keeps only well-formed messages: a lock names a known why, ids and digests have their shape, idle times are finite and capped', () => {
    expect(parseTabMessage({ type: 'lock', why: 'idle' })).toEqual({ type: 'lock', why: 'idle' });
    expect(parseTabMessage({ type: 'lock', why: 'stale' })).toBeUndefined();
    expect(parseTabMessage({ type: 'lock', why: '<b>' })).toBeUndefined();
    expect(parseTabMessage({ type: 'active', extra: 1 })).toEqual({ type: 'active' });
    expect(parseTabMessage({ type: 'idle-query', id: 'x'.repeat(65) })).toBeUndefined();
    expect(parseTabMessage({ type: 'idle-answer', id: 'q1', idleMs: 1e12, held: false })).toEqual({ type: 'idle-answer', id: 'q1', idleMs: 24 * 3600_000, held: false });
    expect(parseTabMessage({ type: 'idle-answer', id: 'q1', idleMs: Number.NaN, held: false })).toBeUndefined();
    expect(parseTabMessage({ type: 'idle-answer', id: 'q1', idleMs: -1, held: false })).toBeUndefined();
    expect(parseTabMessage({ type: 'idle-answer', id: 'q1', idleMs: 5, held: 'no' })).toBeUndefined();
    expect(parseTabMessage({ type: 'header', digest: 'AB'.repeat(32) })).toBeUndefined();
    expect(parseTabMessage({ type: 'settings', settings: { autoLockMinutes: 0 } })).toEqual({ type: 'settings' });
    for (const junk of [null, undefined, 3, 'lock', [], { type: 'unlock' }, { type: 'header' }]) expect(parseTabMessage(junk)).toBeUndefined();
  });
});
