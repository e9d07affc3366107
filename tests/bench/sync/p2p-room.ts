import type * as Y from 'yjs';
import type { NotebookKey } from '../../../crypto/index.ts';
import { replicateBox, type Replication } from '../../../sync/replication/replicate-box.ts';
import { deriveRoomId, deriveRoomPassword } from '../../../sync/transport/derive-room-id.ts';
import { env } from '../../helpers/child-device.ts';
import { nodeWrtc } from '../../helpers/node-wrtc.ts';

const ROOM = 'bench-p2p';

/**
 * Joins `box` to the P2P bench's room over WebRTC only, with the signaling server in
 * OBSCURA_SIGNAL: what both of its device processes (p2p-peer.ts, p2p-joiner.ts) do.
 */
export function joinP2pBenchRoom(box: Y.Doc, notebookKey: NotebookKey): Replication {
  return replicateBox({
    box,
    roomId: deriveRoomId(notebookKey, ROOM),
    password: deriveRoomPassword(notebookKey, ROOM),
    settings: { signalingUrls: [env('OBSCURA_SIGNAL')], iceServers: [] },
    wrtc: nodeWrtc,
  });
}
