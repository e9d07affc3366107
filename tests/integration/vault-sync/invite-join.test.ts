import { describe, expect, it } from 'vitest';
import { createNote, readNotes } from '../../../sync/notebook/notes.ts';
import { must, newDevice, open, titles, until } from './vault-sync-harness.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';

const ORIGIN = 'https://obscura.example';
const relay = relayForSuite();

describe('Vault invites over the relay', () => {
  it('B joins A\'s notebook by link while A is online; both see each other\'s notes; members list both with who added whom', async () => {
    const a = await newDevice(relay.relayUrl, 'alice-laptop');
    const b = await newDevice(relay.relayUrl, 'bob-phone');
    try {
      const id = a.vault.notebooks.create('Birds');
      const na = await open(a, id);
      createNote(na.doc, { title: 'heron' });
      const { link } = must(await a.vault.sharing.createInvite(id, { origin: ORIGIN, signalingUrls: [], relayUrls: [relay.relayUrl] }));
      expect(link.startsWith(`${ORIGIN}/#/join/`)).toBe(true);

      const stages: string[] = [];
      const joined = must(await b.vault.sharing.joinByInvite(link, { onProgress: (stage) => stages.push(stage) }));
      expect(joined.notebookId).toBe(id);
      expect(stages).toEqual(['accepted', 'waiting', 'redeemed']);
      expect(b.vault.notebooks.list().map((nb) => nb.name)).toEqual(['Birds']);
      const nb = await open(b, id);
      await until(nb.doc, () => titles(nb.doc).includes('heron'), 20_000, 'heron on B');
      createNote(nb.doc, { title: 'ibis' });
      nb.sealed.flush();
      await until(na.doc, () => titles(na.doc).includes('ibis'), 20_000, 'ibis on A');
      expect(na.sealed.quarantine.size).toBe(0);
      expect(nb.sealed.quarantine.size).toBe(0);

      const members = must(await a.vault.sharing.members(id));
      const bob = members.find((m) => m.deviceId === b.vault.deviceId);
      expect(bob).toMatchObject({ role: 'member', self: false, ownDevice: false });
      const invite = members.find((m) => m.deviceId === bob?.addedBy);
      expect(invite).toMatchObject({ role: 'invite', addedBy: a.vault.deviceId });
      expect(invite?.removedAt).toBeTypeOf('number');
      expect(members.find((m) => m.deviceId === a.vault.deviceId)).toMatchObject({ role: 'owner', self: true, ownDevice: true });
      expect(readNotes(na.doc)).toHaveLength(2);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
