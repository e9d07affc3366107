/**
 * Two vaults in this process sync through the relay (OBSCURA_RELAY), one joins the other's
 * notebook, then both lock. Prints `locked` and then must exit by itself: any timer, socket
 * or listener that sync left behind would keep Node running. Run by lock-exits.test.ts.
 */
import { sodiumReady } from '../../../crypto/index.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { env } from '../../helpers/child-device.ts';
import { must, newDevice, open, titles, until } from './vault-sync-harness.ts';

await sodiumReady();
const a = await newDevice(env('OBSCURA_RELAY'), 'alice');
const b = await newDevice(env('OBSCURA_RELAY'), 'bob');
const id = a.vault.notebooks.create('N');
createNote((await open(a, id)).doc, { title: 'note' });
const { link } = must(await a.vault.sharing.createInvite(id, { origin: 'https://obscura.example', signalingUrls: [], relayUrls: [env('OBSCURA_RELAY')] }));
must(await b.vault.sharing.joinByInvite(link));
const nb = await open(b, id);
await until(nb.doc, () => titles(nb.doc).includes('note'), 20_000, 'the note on B');
await Promise.all([a.close(), b.close()]);
console.log('locked');
