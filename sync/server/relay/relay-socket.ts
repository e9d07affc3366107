import { copyFrame, type RawData, type WebSocket } from '../ws-node.ts';
import { CLOSE_BAD_FRAME, CLOSE_BUSY, CLOSE_SHUTDOWN } from './relay-limits.ts';
import type { RelayRoom } from './relay-room.ts';
import { RelayBusyError, type RelayRooms } from './relay-rooms.ts';

/** Frames a client may send while its room is still loading from disk. */
const MAX_EARLY_FRAMES = 32;

/**
 * Serves one relay WebSocket: waits for the room to load (holding the client's first
 * frames, so its sync step 1 is answered from the persisted state, not an empty doc),
 * then hands every binary frame to the room, with whether this connection may write now.
 * A refused frame closes this socket only.
 */
export function serveRelaySocket(ws: WebSocket, roomId: string, rooms: RelayRooms, mayWrite: () => boolean, onFrame?: (frame: Uint8Array) => void): void {
  const early: Uint8Array[] = [];
  let room: RelayRoom | undefined;
  let done = false;

  const stop = (code: number, reason: string) => {
    if (done) return;
    done = true;
    ws.close(code, reason);
  };
  const handle = (bytes: Uint8Array) => {
    if (done || !room) return;
    const verdict = room.receive(ws, bytes, mayWrite());
    if (!verdict.ok) stop(verdict.code, verdict.reason);
  };

  ws.on('message', (raw: RawData, isBinary: boolean) => {
    if (done) return;
    if (!isBinary) return stop(CLOSE_BAD_FRAME, 'text frames are not part of the protocol');
    const bytes = copyFrame(raw);
    onFrame?.(bytes);
    if (room) return handle(bytes);
    if (early.length >= MAX_EARLY_FRAMES) return stop(CLOSE_BAD_FRAME, 'too many frames before sync');
    early.push(bytes);
  });
  ws.on('error', () => ws.terminate());

  const loading = rooms.acquire(roomId);
  ws.on('close', () => {
    done = true;
    void loading.then((loaded) => {
      loaded.leave(ws);
      rooms.release(loaded);
    }, () => undefined);
  });
  loading.then(
    (loaded) => {
      if (done) return;
      room = loaded;
      loaded.join(ws);
      for (const bytes of early.splice(0)) handle(bytes);
    },
    (error: unknown) => {
      if (error instanceof RelayBusyError) return stop(CLOSE_BUSY, error.message);
      console.error(`relay: could not load a room: ${String(error)}`);
      stop(CLOSE_SHUTDOWN, 'room unavailable');
    },
  );
}
