/**
 * The device that already has the notebook, in its own Node process (two y-webrtc
 * providers for one room cannot share one): builds the same N-note sealed box as the relay
 * bench, joins the room over WebRTC only, prints "ready" once its signaling socket is
 * open, and serves until its stdin closes. Run by p2p-catch-up.ts.
 */
import { buildNotebooks } from './catch-up.ts';
import { childDevice, env } from '../../helpers/child-device.ts';
import { joinP2pBenchRoom } from './p2p-room.ts';

const { notebookKey, keyring } = await childDevice();
const { box } = await buildNotebooks(Number(env('OBSCURA_NOTES')), keyring);
const replication = joinP2pBenchRoom(box, notebookKey);
// Give the signaling socket a moment to open and announce; the joiner then connects to an announced room.
setTimeout(() => console.log('ready'), 300);
process.stdin.resume();
process.stdin.on('end', () => {
  replication.destroy();
  setTimeout(() => process.exit(0), 300);
});
