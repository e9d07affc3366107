import { describe, expect, it } from 'vitest';
import { createNote } from '../../../sync/notebook/notes.ts';
import { readMember } from '../../../sync/share/members.ts';
import { deviceIdFor } from '../../../sync/sealed/writer.ts';
import { beginDeviceLink, linkDevice } from '../../../sync/vault/link-device.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';
import { memoryServices, must, newDevice, open, relayHolds, relayOnly, startDevice, titles, until } from './vault-sync-harness.ts';

const ORIGIN = 'https://obscura.example';
const relay = relayForSuite();

describe('members converge when the answering device is gone', () => {
  it('the device that answers a link adds the new device to every notebook, open or not, before it goes offline; the new device then finds itself an owner, as the link granted', async () => {
    const a = await newDevice(relay.relayUrl, 'laptop');
    const aId = a.vault.deviceId;
    const shown = a.vault.notebooks.create('On screen');
    const closed = a.vault.notebooks.create('Not open');
    const onA = await open(a, shown);
    createNote(onA.doc, { title: 'before-link' });
    await (await open(a, closed)).close();
    await a.vault.flush();

    const request = beginDeviceLink(ORIGIN);
    const answer = must(a.vault.devices.answerLink(request.link, ORIGIN, Date.now(), { grantOwner: true }));
    const bId = deviceIdFor(answer.newDevicePublicKey);
    await until(onA.doc, () => readMember(onA.shared.plain, bId) !== undefined, 5_000, 'B added on A (open notebook)');
    const closedOnA = await open(a, closed);
    await until(closedOnA.doc, () => readMember(closedOnA.shared.plain, bId) !== undefined, 5_000, 'B added on A (notebook that was not open)');
    await a.vault.flush();
    // The relay takes it; then A is gone for good.
    await relayHolds(relay.relayUrl, a.vault.replicas.vault().roomId, a.vault.replicas.vault().box);
    for (const nb of [onA, closedOnA]) await relayHolds(relay.relayUrl, nb.roomId, nb.box);
    await a.close();

    const bServices = memoryServices();
    const linked = must(await linkDevice(bServices, { responseLink: answer.link, pending: request.pending, passphrase: 'phone pass' }));
    expect(linked.vault.deviceId).toBe(bId);
    const b = await startDevice(linked.vault, bServices, relayOnly(relay.relayUrl), 'phone');
    try {
      await until(b.vault.doc, () => b.vault.notebooks.list().length === 2, 20_000, 'notebooks on B');
      for (const id of [shown, closed]) {
        const nb = await open(b, id);
        await until(nb.doc, () => readMember(nb.shared.plain, bId) !== undefined, 20_000, `B a member of ${id}`);
        expect(readMember(nb.shared.plain, bId)).toMatchObject({ role: 'owner', addedBy: aId });
      }
      const onB = await open(b, shown);
      await until(onB.doc, () => titles(onB.doc).includes('before-link'), 20_000, 'note on B');
      expect(onB.sealed.quarantine.size).toBe(0);
    } finally {
      await b.close();
    }
  });
});
