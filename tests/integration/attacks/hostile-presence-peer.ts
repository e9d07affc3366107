/**
 * A hostile peer in its own Node process (two y-webrtc providers for one room cannot share
 * one): it knows a notebook room's id, password and presence key, as a removed member or the
 * holder of an old invite does, and nothing else. Over WebRTC it announces a presence that
 * opens under the room's presence key but names a device it is not (`OBSCURA_CLAIM_ID`, shown
 * as `OBSCURA_CLAIM_NAME`); on the stdin line `oversize` it replaces it with a state far
 * larger than any presence; on `junk` it writes into its copy of the box what no box holds (a
 * Y.Text under a root boxes do not have), which y-webrtc syncs to the peer. Prints
 * `{"peers":n}` once connected. Run by hostile-presence.test.ts.
 */
import wrtc from '@roamhq/wrtc';
import { createInterface } from 'node:readline';
import * as Y from 'yjs';
import { fromBase64Url, generateSigningKeyPair, sodiumReady } from '../../../crypto/index.ts';
import { sealPresence } from '../../../sync/replication/presence-seal.ts';
import { WebSocket } from '../../../sync/server/ws-node.ts';
import { connectWebrtc } from '../../../sync/transport/webrtc-transport.ts';
import { env } from '../../helpers/child-device.ts';

Object.assign(globalThis, { WebSocket });
await sodiumReady();
const roomId = env('OBSCURA_ROOM');
const key = fromBase64Url(env('OBSCURA_PRESENCE_KEY'));
if (!key.ok) throw new Error('OBSCURA_PRESENCE_KEY is not base64url');
const box = new Y.Doc();
const webrtc = connectWebrtc({ box, roomId, password: env('OBSCURA_PASSWORD'), signalingUrls: [env('OBSCURA_SIGNAL')], iceServers: [], wrtc });
const { awareness } = webrtc.provider;
// Its own signing key: it has no other (the claimed device's never left that device).
awareness.setLocalState(sealPresence(key.value, roomId, awareness.clientID, { deviceId: env('OBSCURA_CLAIM_ID'), deviceName: env('OBSCURA_CLAIM_NAME') }, generateSigningKeyPair()));
let reported = false;
webrtc.provider.on('peers', ({ webrtcPeers }: { webrtcPeers: string[] }) => {
  if (reported || webrtcPeers.length === 0) return;
  reported = true;
  console.log(JSON.stringify({ peers: webrtcPeers.length }));
});
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'oversize') awareness.setLocalState({ p: 'A'.repeat(64 * 1024) });
  if (line === 'junk') box.getText('junk').insert(0, 'J'.repeat(4096));
});
process.stdin.on('end', () => {
  webrtc.destroy();
  setTimeout(() => process.exit(0), 300);
});
setTimeout(() => process.exit(3), 90_000);
