import { HocuspocusProvider } from '@hocuspocus/provider';
import type { BoxTransport } from './box-transport.ts';
import { ConnectionEvents } from './connection-events.ts';
import { shareHocusSocket } from './hocus-socket-pool.ts';
import { relayWrite } from './relay-write.ts';
import type { RelayConnection, RelayRoom, RelayTransportOptions } from './relay-connection.ts';

/**
 * A state vector exchange with the relay this often, per room: a Hocuspocus node forwards
 * other nodes' updates over Redis pub/sub, which drops messages when a node or Redis
 * restarts (issue 15 §2), so a dropped one costs this much latency, never data. Its reply
 * also keeps the provider's 30 s "no message received" check from closing a quiet socket.
 */
export const HOCUS_RESYNC_MS = 20_000;

/**
 * The Hocuspocus relay (sync/server/hocus/): one socket per device and relay carries all
 * its rooms (hocus-socket-pool.ts), each room a document whose authentication message
 * carries the write token (RELAY.md "The Hocuspocus client"). The gate proves the token when
 * the room opens on the socket, and every reconnect of the socket sends a fresh one.
 * Note: a new key needs the room opened again with a new token, but Hocuspocus 3.4 does not
 * take a room closed and reopened on one socket at once: its answer to the close arrives
 * after the reopen and ends it, and the room stayed read-only on the relay (the contract
 * suite's rotation test). So a new key reconnects the device's socket; keys change rarely.
 */
export function hocusTransport(options: RelayTransportOptions): BoxTransport<RelayRoom, RelayConnection> {
  return {
    name: 'relay (Hocuspocus)',
    connect(room) {
      const events = new ConnectionEvents('connecting');
      const shared = shareHocusSocket(options.url, options.WebSocketPolyfill ?? WebSocket);
      let leave: () => void;
      try {
        leave = shared.join(room.roomId, (error) => onBadFrame(error));
      } catch (error) {
        shared.release();
        throw error;
      }
      const write = room.relayWrite ? relayWrite(options.url, room.roomId, room.relayWrite, options.fetch) : undefined;
      const provider = new HocuspocusProvider({
        websocketProvider: shared.socket,
        name: room.roomId,
        document: room.box,
        // Without one the provider makes its own (and destroys it with itself).
        ...(room.awareness ? { awareness: room.awareness } : {}),
        token: () => write?.token() ?? '',
        forceSyncInterval: HOCUS_RESYNC_MS,
      });
      const onBadFrame = (error: unknown) => {
        console.warn(`relay sent a frame that cannot be read: ${String(error).slice(0, 120)}`);
        events.badFrame(error);
        // Whatever the frame half-applied, the relay's sync step 2 repairs.
        provider.forceSync();
      };
      let destroyed = false;
      const reopen = () => shared.reconnect();
      const open = () => {
        if (destroyed) return;
        provider.attach();
        events.setState(shared.socket.status === 'connected' ? 'connected' : 'connecting');
        shared.start();
      };
      let writeSettled = write ? write.sync().then(open) : Promise.resolve(open());
      const stopWriteChanges = room.relayWrite?.onChange(() => {
        writeSettled = (write?.sync() ?? Promise.resolve(false)).then(() => void (!destroyed && provider.isAttached && reopen()));
      });

      let everConnected = false;
      provider.on('status', ({ status }: { status: string }) => {
        // A relay that lost the room's policy gets it back, and the room reopens so the box
        // is resent under it.
        if (status === 'connected' && everConnected && write && !destroyed) {
          writeSettled = write.sync().then((registered) => void (registered && !destroyed && reopen()));
        }
        if (status === 'connected') everConnected = true;
        if (status === 'connecting' && events.state() === 'offline') return;
        // A reconnect on purpose (a policy put back, a new key) is not the relay going away:
        // shown as a drop it counted as a flap, and the blob check after a relay that lost its
        // data restarted waited seconds per reconnect (relay-reconcile.ts) instead of running.
        if (status !== 'connected' && shared.reopening) return;
        events.setState(status === 'connected' ? 'connected' : status === 'connecting' ? 'connecting' : 'offline');
      });
      provider.on('synced', () => events.synced());
      const onBoxUpdate = (_update: Uint8Array, origin: unknown) => void (origin === provider && events.synced());
      room.box.on('update', onBoxUpdate);

      const stopDeliveries = new Set<() => void>();
      // Hocuspocus answers each update and sync step 2 with a sync status message once our
      // relay stored it (hocus-rooms.ts awaits the append); the provider counts the unanswered
      // ones from its last sync step 1 on. Writes the gate drops (a read-only connection) are
      // never answered: the count falls to 0 only after a reconnect with the write token
      // resent them (its sync step 2 carries them) and the relay stored that.
      const delivered = async (timeoutMs: number): Promise<boolean> => {
        await writeSettled;
        if (destroyed || write?.token() === undefined) return false;
        return new Promise<boolean>((resolve) => {
          const finish = (stored: boolean): void => {
            clearTimeout(timer);
            provider.off('unsyncedChanges', check);
            stopDeliveries.delete(stop);
            resolve(stored);
          };
          const stop = (): void => finish(false);
          function check(): void {
            if (provider.isAttached && shared.socket.status === 'connected' && provider.isAuthenticated && !provider.hasUnsyncedChanges) finish(true);
          }
          const timer = setTimeout(stop, timeoutMs);
          stopDeliveries.add(stop);
          provider.on('unsyncedChanges', check);
          check();
        });
      };

      return {
        ...events.api(),
        origin: provider,
        writeToken: () => write?.token(),
        writeSettled: () => writeSettled,
        delivered,
        destroy() {
          destroyed = true;
          for (const stop of [...stopDeliveries]) stop();
          stopWriteChanges?.();
          leave();
          room.box.off('update', onBoxUpdate);
          events.clear();
          // Detaches the room (a close message for it), stops its resync timer.
          provider.destroy();
          shared.release();
        },
      };
    },
  };
}
