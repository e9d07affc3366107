import { describe, expect, it } from 'vitest';
import { createNote } from '../../../sync/notebook/notes.ts';
import { beginDeviceLink, linkDevice } from '../../../sync/vault/link-device.ts';
import { unlockVault } from '../../../sync/vault/unlock-vault.ts';
import { memoryServices, must, newDevice, open, relayHolds, relayOnly, startDevice, titles, until } from './vault-sync-harness.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';

const ORIGIN = 'https://obscura.example';
const relay = relayForSuite();

describe('device link on the Vault', () => {
  it('A2 linked to A gets every notebook and its notes, joins their members, and a notebook made on A later reaches A2', async () => {
    const a = await newDevice(relay.relayUrl, 'alice-laptop');
    const a2Services = memoryServices();
    try {
      const birds = a.vault.notebooks.create('Birds');
      const moths = a.vault.notebooks.create('Moths');
      const nBirds = await open(a, birds);
      createNote(nBirds.doc, { title: 'heron' });
      createNote((await open(a, moths)).doc, { title: 'luna' });
      await a.vault.flush();

      const request = beginDeviceLink(ORIGIN);
      expect(request.link.startsWith(`${ORIGIN}/#/link-device/`)).toBe(true);
      const answer = must(a.vault.devices.answerLink(request.link, ORIGIN));
      expect(answer.fingerprint).toBe(request.fingerprint);
      const linked = must(await linkDevice(a2Services, { responseLink: answer.link, pending: request.pending, passphrase: 'phone passphrase' }));
      expect(linked.checkCode).toBe(answer.checkCode);
      expect(linked.vault.vaultId).toBe(a.vault.vaultId);
      // No recovery key of its own: the vault's arrives with the vault doc (one-recovery-key.test.ts).
      expect('recoveryKey' in linked).toBe(false);
      const a2 = await startDevice(linked.vault, a2Services, relayOnly(relay.relayUrl), 'alice-phone');

      await until(a2.vault.doc, () => a2.vault.notebooks.list().length === 2, 20_000, 'notebook list on A2');
      expect(a2.vault.notebooks.list().map((nb) => nb.name)).toEqual(['Birds', 'Moths']);
      const onA2 = await open(a2, birds);
      await until(onA2.doc, () => titles(onA2.doc).includes('heron'), 20_000, 'heron on A2');
      const mothsOnA2 = await open(a2, moths);
      await until(mothsOnA2.doc, () => titles(mothsOnA2.doc).includes('luna'), 20_000, 'luna on A2');

      // A has Birds open: it adds its newly registered device to the members (addOwnDevices).
      await until(nBirds.doc, () => nBirds.shared.plain.getMap('members').has(a2.vault.deviceId), 20_000, 'A2 in the members');
      const members = must(await a2.vault.sharing.members(birds));
      expect(members.find((m) => m.self)).toMatchObject({ deviceId: a2.vault.deviceId, role: 'member', ownDevice: true, addedBy: a.vault.deviceId });
      createNote(onA2.doc, { title: 'egret-from-phone' });
      onA2.sealed.flush();
      await until(nBirds.doc, () => titles(nBirds.doc).includes('egret-from-phone'), 20_000, 'egret on A');
      expect(nBirds.sealed.quarantine.size).toBe(0);

      const later = a.vault.notebooks.create('Later');
      createNote((await open(a, later)).doc, { title: 'made-after-linking' });
      await a.vault.flush();
      await until(a2.vault.doc, () => a2.vault.notebooks.list().some((nb) => nb.id === later), 20_000, 'Later on A2');
      const laterOnA2 = await open(a2, later);
      await until(laterOnA2.doc, () => titles(laterOnA2.doc).includes('made-after-linking'), 20_000, 'note of Later on A2');
      await a2.close();

      // A2 keeps its own passphrase for the same vault key.
      const reopened = await unlockVault(a2Services, { passphrase: 'phone passphrase' });
      expect(reopened.ok && reopened.value.vaultId).toBe(a.vault.vaultId);
      if (reopened.ok) await reopened.value.lock();
    } finally {
      await a.close();
    }
  });

  it('a person with two devices joins another person\'s notebook on one; the other lists it, reads it, and once added (and approved by the owner) writes to it', async () => {
    const bob = await newDevice(relay.relayUrl, 'bob');
    const a = await newDevice(relay.relayUrl, 'alice-laptop');
    const a2Services = memoryServices();
    const request = beginDeviceLink(ORIGIN);
    const linked = must(await linkDevice(a2Services, { responseLink: must(a.vault.devices.answerLink(request.link, ORIGIN)).link, pending: request.pending, passphrase: 'p2' }));
    const a2 = await startDevice(linked.vault, a2Services, relayOnly(relay.relayUrl), 'alice-phone');
    try {
      const id = bob.vault.notebooks.create('Bob\'s recipes');
      const onBob = await open(bob, id);
      createNote(onBob.doc, { title: 'bread' });
      const { link } = must(await bob.vault.sharing.createInvite(id, { origin: ORIGIN, signalingUrls: [], relayUrls: [relay.relayUrl] }));
      must(await a.vault.sharing.joinByInvite(link));
      const onA = await open(a, id);
      await until(a2.vault.doc, () => a2.vault.notebooks.list().some((nb) => nb.id === id), 20_000, 'the joined notebook on A2');
      const onA2 = await open(a2, id);
      // The same link on the second device, once it sees the first one in the member list: nothing
      // to redeem, the person has the notebook. (Before it sees that, the join waits for it and
      // resolves ok: which of the two a test got depended on how soon the first join resolved.)
      await until(onA2.doc, () => onA2.shared.plain.getMap('members').has(a.vault.deviceId), 20_000, 'A in the member list on A2');
      const again = await a2.vault.sharing.joinByInvite(link);
      expect(again.ok ? 'ok' : again.error.code).toBe('E_INVITE_ALREADY_JOINED');
      expect(a2.vault.notebooks.list().map((nb) => nb.id)).toContain(id);
      await until(onA2.doc, () => titles(onA2.doc).includes('bread'), 20_000, 'bread on A2');
      await until(onA2.doc, () => onA2.shared.plain.getMap('members').has(a2.vault.deviceId), 20_000, 'A2 added by A');
      await until(onBob.doc, () => onBob.shared.plain.getMap('members').has(a2.vault.deviceId), 20_000, 'A2 in Bob\'s member list');
      // Alice is a member, not an owner: her phone waits for Bob, the owner, to approve it.
      expect(must(await bob.vault.sharing.members(id)).find((m) => m.deviceId === a2.vault.deviceId)).toMatchObject({ addedBy: a.vault.deviceId, pending: true, role: 'member' });
      expect(must(await a.vault.sharing.approveMember(id, a2.vault.deviceId).then((r) => (r.ok ? r : { ok: true as const, value: r.error.code })))).toBe('E_NOT_OWNER');
      must(await bob.vault.sharing.approveMember(id, a2.vault.deviceId));
      expect(must(await bob.vault.sharing.members(id)).find((m) => m.deviceId === a2.vault.deviceId)?.pending).toBeUndefined();
      createNote(onA2.doc, { title: 'from-alice-phone' });
      await onA2.flush();
      await until(onBob.doc, () => titles(onBob.doc).includes('from-alice-phone'), 20_000, 'A2\'s note on Bob');
      expect(onBob.sealed.quarantine.size).toBe(0);
      expect(onA.sealed.quarantine.size).toBe(0);
    } finally {
      await Promise.all([bob.close(), a.close(), a2.close()]);
    }
  });

  it('a device linked while the old one is offline catches up from the relay alone (vault box, then notebook boxes)', async () => {
    const a = await newDevice(relay.relayUrl, 'alice-laptop');
    const id = a.vault.notebooks.create('Offline shelf');
    const na = await open(a, id);
    createNote(na.doc, { title: 'kept-by-the-relay' });
    await a.vault.flush();
    const request = beginDeviceLink(ORIGIN);
    const answer = must(a.vault.devices.answerLink(request.link, ORIGIN));
    await relayHolds(relay.relayUrl, a.vault.replicas.vault().roomId, a.vault.replicas.vault().box);
    await relayHolds(relay.relayUrl, na.roomId, na.box);
    await a.close();

    const a2Services = memoryServices();
    const linked = must(await linkDevice(a2Services, { responseLink: answer.link, pending: request.pending, passphrase: 'p2' }));
    const a2 = await startDevice(linked.vault, a2Services, relayOnly(relay.relayUrl), 'alice-phone');
    try {
      await until(a2.vault.doc, () => a2.vault.notebooks.list().some((nb) => nb.id === id), 20_000, 'the notebook list from the relay');
      const onA2 = await open(a2, id);
      await until(onA2.doc, () => titles(onA2.doc).includes('kept-by-the-relay'), 20_000, 'the note from the relay');
      expect(onA2.sealed.quarantine.size).toBe(0);
    } finally {
      await a2.close();
    }
  });

  it('E_VAULT_EXISTS: linking a device that already has a vault is refused and the vault is left alone', async () => {
    const a = await newDevice(relay.relayUrl, 'alice');
    const b = await newDevice(relay.relayUrl, 'bob');
    try {
      const request = beginDeviceLink(ORIGIN);
      const answer = must(a.vault.devices.answerLink(request.link, ORIGIN));
      const result = await linkDevice(b.services, { responseLink: answer.link, pending: request.pending, passphrase: 'x' });
      expect(result.ok ? 'linked' : result.error.code).toBe('E_VAULT_EXISTS');
      await b.close();
      const bob = await unlockVault(b.services, { passphrase: 'correct horse battery' });
      expect(bob.ok && bob.value.vaultId).toBe(b.vault.vaultId);
      if (bob.ok) await bob.value.lock();
    } finally {
      await a.close();
    }
  });
});
