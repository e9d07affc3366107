/**
 * A member of someone else's notebook that forges a device, in its own Node process: a fresh
 * vault that syncs through the relay, joins by the invite link in OBSCURA_LINK (the real invite
 * flow), writes one honest note, then adds a stranger's device as owner to the member list
 * (signed by itself, as any member can write the map) and stores an envelope from that stranger
 * with a note of its own, then one more honest note. Prints one JSON line with the ids, then exits when stdin closes.
 * Run by tests/e2e/member-forged-device.test.ts.
 */
import wrtc from '@roamhq/wrtc';
import * as Y from 'yjs';
import { generateBoxKeyPair, generateSigningKeyPair, sealEnvelope, sodiumReady } from '../../../crypto/index.ts';
import { createNote } from '../../../sync/notebook/notes.ts';
import { boxMaps, entryKey } from '../../../sync/sealed/box-layout.ts';
import { newWriter } from '../../../sync/sealed/writer.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { parseInviteLink } from '../../../sync/share/invite-link.ts';
import { addMember } from '../../../sync/share/members.ts';
import { startVaultSync } from '../../../sync/vault/vault-sync.ts';
import { createVault } from '../../../sync/vault/create-vault.ts';
import { env } from '../../helpers/child-device.ts';
import { memoryServices, PASS, Ws } from '../../integration/vault-sync/vault-sync-harness.ts';

Object.assign(globalThis, { WebSocket });
await sodiumReady();
const link = env('OBSCURA_LINK');
const parsed = parseInviteLink(link);
if (!parsed.ok) process.exit(5);
const { vault } = await createVault(memoryServices(), PASS);
startVaultSync(vault, {
  settings: { signalingUrls: [...parsed.value.signalingUrls], relayUrl: parsed.value.relayUrls[0] ?? '', iceServers: [] },
  deviceName: 'member-node',
  wrtc,
  WebSocketPolyfill: Ws,
});
const joined = await vault.sharing.joinByInvite(link);
if (!joined.ok) {
  console.log(JSON.stringify({ joined: false, code: joined.error.code }));
  process.exit(2);
}
const opened = await vault.notebooks.open(joined.value.notebookId);
if (!opened.ok) process.exit(3);
const nb = opened.value;
createNote(nb.doc, { title: env('OBSCURA_MEMBER_TITLE') });
await nb.flush();

// The forgery: a stranger's device as owner, and what it writes.
const stranger = generateSigningKeyPair();
const strangerId = addMember(nb.shared.plain, { signingPublicKey: stranger.publicKey, boxPublicKey: generateBoxKeyPair().publicKey }, 'owner', nb.shared.self.signing);
await nb.flush();
const scratch = new Y.Doc();
Y.applyUpdate(scratch, Y.encodeStateAsUpdate(nb.doc));
const before = Y.encodeStateVector(scratch);
createNote(scratch, { title: env('OBSCURA_STRANGER_TITLE') });
const writer = newWriter(stranger, nb.shared.meta.slot);
const current = nb.shared.keyring.current();
const envelope = sealEnvelope({
  key: current.key,
  keyId: current.keyId,
  plaintext: Y.encodeStateAsUpdate(scratch, before),
  signer: stranger,
  context: { notebookId: nb.id, writerId: writer.writerId, seq: 1, purpose: 'update' },
});
boxMaps(nb.box).entries.set(entryKey(writer.writerId, 1), envelope);
// One more honest note after it: whoever has this one has had the forgery offered too (one relay connection, in order).
createNote(nb.doc, { title: env('OBSCURA_AFTER_TITLE') });
await nb.flush();
console.log(JSON.stringify({ joined: true, deviceId: vault.deviceId, strangerId }));

process.stdin.resume();
process.stdin.on('end', () => {
  void vault.lock().then(() => setTimeout(() => process.exit(0), 300));
});
setTimeout(() => process.exit(4), 120_000);
