/**
 * The device that already has the notebook, in its own Node process (two y-webrtc
 * providers for one room cannot share one): builds the same N-note sealed box as the relay
 * bench, joins the room over WebRTC only, prints "ready" once its signaling socket is
 * open, and serves until its stdin closes. Run by p2p-catch-up.ts.
 */
import wrtc from '@roamhq/wrtc';
import { replicateBox } from '../../../sync/replication/replicate-box.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import { buildNotebooks } from './catch-up.ts';
import { childDevice, env } from '../../helpers/child-device.ts';

const { notebookKey, keyring } = await childDevice();
const { box } = await buildNotebooks(Number(env('OBSCURA_NOTES')), keyring);
const replication = replicateBox({
  box,
  roomId: deriveRoomId(notebookKey, 'bench-p2p'),
  password: deriveRoomPassword(notebookKey, 'bench-p2p'),
  settings: { signalingUrls: [env('OBSCURA_SIGNAL')], iceServers: [] },
  wrtc,
});
// Give the signaling socket a moment to open and announce; the joiner then connects to an announced room.
setTimeout(() => console.log('ready'), 300);
process.stdin.resume();
process.stdin.on('end', () => {
  replication.destroy();
  setTimeout(() => process.exit(0), 300);
});
