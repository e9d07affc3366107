import { describe, expect, it } from 'vitest';
import { createNote, readNotes, setNoteText } from '../../../sync/notebook/notes.ts';
import { must, newDevice, open, relayHolds, reopenDevice, titles, until, type Device } from './vault-sync-harness.ts';
import { relayForSuite } from '../relay/relay-for-suite.ts';

const ORIGIN = 'https://obscura.example';
const relay = relayForSuite();

async function sharedNotebook(a: Device, b: Device, name: string): Promise<string> {
  const id = a.vault.notebooks.create(name);
  const na = await open(a, id);
  createNote(na.doc, { title: `${name}-first` });
  const { link } = must(await a.vault.sharing.createInvite(id, { origin: ORIGIN, signalingUrls: [], relayUrls: [relay.relayUrl] }));
  must(await b.vault.sharing.joinByInvite(link));
  return id;
}

describe('vault sync through the relay alone', () => {
  it('relay-only catch-up: A edits while B is offline and stops; B starts later and catches up', async () => {
    const a = await newDevice(relay.relayUrl, 'alice');
    let b = await newDevice(relay.relayUrl, 'bob');
    const bServices = b.services;
    const id = await sharedNotebook(a, b, 'Tides');
    await b.close();

    const na = await open(a, id);
    const noteId = createNote(na.doc, { title: 'while-bob-was-away', body: 'low tide at six' });
    setNoteText(na.doc, noteId, 'body', 'low tide at seven');
    await na.flush();
    await relayHolds(relay.relayUrl, na.roomId, na.box);
    await a.close();

    b = await reopenDevice(bServices, relay.relayUrl, 'bob');
    try {
      const nb = await open(b, id);
      await until(nb.doc, () => titles(nb.doc).includes('while-bob-was-away'), 20_000, 'catch-up on B');
      expect(readNotes(nb.doc).find((note) => note.title === 'while-bob-was-away')?.body).toBe('low tide at seven');
      expect(titles(nb.doc)).toEqual(['Tides-first', 'while-bob-was-away']);
      expect(nb.sealed.quarantine.size).toBe(0);
      expect(b.sync.notebook(id)?.status().relay).toBe('connected');
    } finally {
      await b.close();
    }
  });

  it('join while the inviter is offline: the relay holds the invite record, B redeems, A sees B later', async () => {
    const a = await newDevice(relay.relayUrl, 'alice');
    const aServices = a.services;
    const id = a.vault.notebooks.create('Moths');
    const na = await open(a, id);
    createNote(na.doc, { title: 'luna' });
    const { link } = must(await a.vault.sharing.createInvite(id, { origin: ORIGIN, signalingUrls: [], relayUrls: [relay.relayUrl] }));
    await na.flush();
    await relayHolds(relay.relayUrl, na.roomId, na.box);
    await a.close();

    const b = await newDevice(relay.relayUrl, 'bob');
    try {
      must(await b.vault.sharing.joinByInvite(link));
      const nb = await open(b, id);
      expect(titles(nb.doc)).toEqual(['luna']);
      createNote(nb.doc, { title: 'atlas' });
      await nb.flush();
      await relayHolds(relay.relayUrl, nb.roomId, nb.box);
    } finally {
      await b.close();
    }
    const again = await reopenDevice(aServices, relay.relayUrl, 'alice');
    try {
      const reopened = await open(again, id);
      await until(reopened.doc, () => titles(reopened.doc).includes('atlas'), 20_000, 'atlas on A');
      expect(reopened.sealed.quarantine.size).toBe(0);
    } finally {
      await again.close();
    }
  });
});
