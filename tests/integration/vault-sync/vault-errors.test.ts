import { describe, expect, it, vi } from 'vitest';
import { createVault } from '../../../sync/vault/create-vault.ts';
import { memoryServices, must, newDevice, open, PASS, relayCopy, relayOnly, reopenDevice, startDevice, titles, until } from './vault-sync-harness.ts';
import { parseInviteLink } from '../../../sync/share/invite-link.ts';
import { closedInvite } from '../../../sync/share/join-notebook.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';

const ORIGIN = 'https://obscura.example';
const relay = relayForSuite();

const inviteOptions = () => ({ origin: ORIGIN, signalingUrls: [], relayUrls: [relay.relayUrl] });
const code = (result: { ok: boolean; error?: { code: string } }): string => (result.ok ? 'ok' : (result.error?.code ?? '?'));

describe('vault sharing error codes', () => {
  it('E_SYNC_OFF: joining without a running sync is refused before anything is written', async () => {
    const a = await newDevice(relay.relayUrl, 'alice');
    const { vault: offline } = await createVault(memoryServices(), PASS);
    try {
      const id = a.vault.notebooks.create('N');
      const { link } = must(await a.vault.sharing.createInvite(id, inviteOptions()));
      expect(code(await offline.sharing.joinByInvite(link))).toBe('E_SYNC_OFF');
      expect(offline.notebooks.list()).toEqual([]);
    } finally {
      await Promise.all([a.close(), offline.lock()]);
    }
  });

  it('E_SYNC_OFF: locking the vault ends a join that is still waiting, at once; the same link resumes it later', async () => {
    const aServices = memoryServices();
    const { vault: offline } = await createVault(aServices, PASS);
    let b = await newDevice(relay.relayUrl, 'bob');
    const bServices = b.services;
    const id = offline.notebooks.create('Later');
    createNote(must(await offline.notebooks.open(id)).doc, { title: 'waited-for' });
    const { link } = must(await offline.sharing.createInvite(id, inviteOptions()));
    const stages: string[] = [];
    const joining = b.vault.sharing.joinByInvite(link, { timeoutMs: 60_000, onProgress: (s) => stages.push(s) });
    await vi.waitFor(() => expect(stages).toEqual(['accepted', 'waiting']));
    const started = Date.now();
    await b.close();
    expect(code(await joining)).toBe('E_SYNC_OFF');
    expect(Date.now() - started).toBeLessThan(5_000);

    const a = await startDevice(offline, aServices, relayOnly(relay.relayUrl), 'alice');
    b = await reopenDevice(bServices, relay.relayUrl, 'bob');
    try {
      // Still being joined: it replicates, but cannot be opened before its key has come.
      expect(b.vault.notebooks.list()).toEqual([]);
      await vi.waitFor(() => expect(b.sync.notebooks()).toEqual([id]));
      must(await b.vault.sharing.joinByInvite(link));
      expect(b.vault.notebooks.list().map((nb) => nb.id)).toEqual([id]);
      const nb = must(await b.vault.notebooks.open(id));
      await until(nb.doc, () => titles(nb.doc).includes('waited-for'), 20_000, 'the note on B');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('E_INVITE_TIMEOUT: the invite never reaches the relay (the inviter never synced); the notebook leaves the list', async () => {
    const { vault: neverSynced } = await createVault(memoryServices(), PASS);
    const b = await newDevice(relay.relayUrl, 'bob');
    try {
      const id = neverSynced.notebooks.create('Unsynced');
      const { link } = must(await neverSynced.sharing.createInvite(id, inviteOptions()));
      const stages: string[] = [];
      expect(code(await b.vault.sharing.joinByInvite(link, { timeoutMs: 400, onProgress: (s) => stages.push(s) }))).toBe('E_INVITE_TIMEOUT');
      expect(stages).toEqual(['accepted', 'waiting']);
      expect(b.vault.notebooks.list()).toEqual([]);
      expect(b.sync.notebooks()).toEqual([]);
    } finally {
      await Promise.all([neverSynced.lock(), b.close()]);
    }
  });

  it('E_INVITE_REVOKED: a withdrawn invite cannot be redeemed; E_INVITE_USED: a link works for one device only', async () => {
    const a = await newDevice(relay.relayUrl, 'alice');
    const b = await newDevice(relay.relayUrl, 'bob');
    const c = await newDevice(relay.relayUrl, 'carol');
    try {
      const id = a.vault.notebooks.create('N');
      const revoked = must(await a.vault.sharing.createInvite(id, inviteOptions()));
      must(await a.vault.sharing.revokeInvite(id, revoked.inviteId));
      await a.vault.flush();
      expect(code(await b.vault.sharing.joinByInvite(revoked.link, { timeoutMs: 5000 }))).toBe('E_INVITE_REVOKED');
      expect(b.vault.notebooks.list()).toEqual([]);

      const { link } = must(await a.vault.sharing.createInvite(id, inviteOptions()));
      must(await b.vault.sharing.joinByInvite(link));
      expect(b.vault.notebooks.list().map((nb) => nb.id)).toEqual([id]);
      // Joining again with the same link on the same device changes nothing: "you already have this notebook".
      expect(code(await b.vault.sharing.joinByInvite(link))).toBe('E_INVITE_ALREADY_JOINED');
      expect(code(await c.vault.sharing.joinByInvite(link))).toBe('E_INVITE_USED');
      expect(c.vault.notebooks.list()).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('E_INVITE_USED at once: when a join resolves, the relay holds its redemption (a third device asking then is told)', async () => {
    const a = await newDevice(relay.relayUrl, 'alice');
    const b = await newDevice(relay.relayUrl, 'bob');
    try {
      const id = a.vault.notebooks.create('N');
      const { link } = must(await a.vault.sharing.createInvite(id, inviteOptions()));
      must(await b.vault.sharing.joinByInvite(link));
      const onRelay = await relayCopy(relay.relayUrl, (await open(b, id)).roomId);
      expect(closedInvite(onRelay, must(parseInviteLink(link)))).toBe('E_INVITE_USED');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('E_INVITE_EXPIRED, E_INVITE_FORMAT: an old or mangled link is refused before the vault doc changes', async () => {
    const a = await newDevice(relay.relayUrl, 'alice');
    const b = await newDevice(relay.relayUrl, 'bob');
    try {
      const id = a.vault.notebooks.create('N');
      const { link } = must(await a.vault.sharing.createInvite(id, { ...inviteOptions(), ttlMs: 1000, now: Date.now() - 2000 }));
      expect(code(await b.vault.sharing.joinByInvite(link))).toBe('E_INVITE_EXPIRED');
      expect(code(await b.vault.sharing.joinByInvite(`${ORIGIN}/#/join/not-a-payload`))).toBe('E_INVITE_FORMAT');
      expect(b.vault.notebooks.list()).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('E_MEMBER_UNKNOWN and E_NOT_OWNER: removing a device that is not a member, or removing as a plain member', async () => {
    const a = await newDevice(relay.relayUrl, 'alice');
    const b = await newDevice(relay.relayUrl, 'bob');
    try {
      const id = a.vault.notebooks.create('N');
      expect(code(await a.vault.sharing.removeMember(id, 'f'.repeat(32)))).toBe('E_MEMBER_UNKNOWN');
      expect(code(await a.vault.sharing.removeMember(id, a.vault.deviceId))).toBe('E_MEMBER_UNKNOWN');
      expect(code(await a.vault.sharing.revokeInvite(id, a.vault.deviceId))).toBe('E_MEMBER_UNKNOWN');
      must(await b.vault.sharing.joinByInvite(must(await a.vault.sharing.createInvite(id, inviteOptions())).link));
      expect(code(await b.vault.sharing.removeMember(id, a.vault.deviceId))).toBe('E_NOT_OWNER');
      expect(code(await a.vault.sharing.members('no-such-notebook'))).toBe('E_NOTEBOOK_UNKNOWN');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
