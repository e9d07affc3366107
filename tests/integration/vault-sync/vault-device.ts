/**
 * A second person's device in its own Node process (two y-webrtc providers for one room
 * cannot share one process): a fresh vault that syncs over WebRTC (and the relay when
 * OBSCURA_RELAY is set), joins by
 * the invite link in OBSCURA_LINK, and then follows stdin, one command a line:
 *   `append <text>`  appends to the body of note OBSCURA_NOTE_ID and flushes;
 *   `wait <text>`    prints one JSON line once that body contains <text>.
 * Prints `{"joined":...}` after the join. Exits when stdin closes. Run by p2p-vault.test.ts.
 */
import wrtc from '@roamhq/wrtc';
import { createInterface } from 'node:readline';
import { sodiumReady } from '../../../crypto/index.ts';
import { readNote, setNoteText } from '../../../sync/notebook/notes.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { startVaultSync } from '../../../sync/vault/vault-sync.ts';
import { createVault } from '../../../sync/vault/create-vault.ts';
import { env } from '../../helpers/child-device.ts';
import { memoryServices, PASS, until, Ws } from './vault-sync-harness.ts';

Object.assign(globalThis, { WebSocket });
await sodiumReady();
const { vault } = await createVault(memoryServices(), PASS);
const sync = startVaultSync(vault, {
  settings: { signalingUrls: [env('OBSCURA_SIGNAL')], ...(env('OBSCURA_RELAY') ? { relayUrl: env('OBSCURA_RELAY') } : {}), iceServers: [] },
  deviceName: env('OBSCURA_DEVICE_NAME'),
  wrtc,
  WebSocketPolyfill: Ws,
});
const joined = await vault.sharing.joinByInvite(env('OBSCURA_LINK'));
if (!joined.ok) {
  console.log(JSON.stringify({ joined: false, code: joined.error.code }));
  process.exit(2);
}
const notebookId = joined.value.notebookId;
const opened = await vault.notebooks.open(notebookId);
if (!opened.ok) process.exit(3);
const nb = opened.value;
const noteId = env('OBSCURA_NOTE_ID');
const body = (): string => readNote(nb.doc, noteId)?.body ?? '';
await until(nb.doc, () => readNote(nb.doc, noteId) !== undefined, 30_000, 'the shared note');
console.log(JSON.stringify({ joined: true, deviceId: vault.deviceId }));

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [command, ...rest] = line.split(' ');
  const text = rest.join(' ');
  if (command === 'append') {
    setNoteText(nb.doc, noteId, 'body', body() + text);
    void nb.flush();
  }
  if (command === 'wait') {
    void until(nb.doc, () => body().includes(text), 30_000, text).then(() => {
      const replication = sync.notebook(notebookId);
      console.log(JSON.stringify({ body: body(), peers: replication?.status().peers, online: replication?.onlineDevices().map((d) => d.deviceName), quarantined: nb.sealed.quarantine.size }));
    });
  }
});
lines.on('close', () => {
  void vault.lock().then(() => setTimeout(() => process.exit(0), 300));
});
setTimeout(() => process.exit(4), 90_000);
