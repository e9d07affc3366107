import { roomAdminKey, roomWriteKey } from '../../sync/relay-cap/room-write-keys.ts';
import { relayWrite, type RelayWriteSource } from '../../sync/replication/relay-write.ts';

/**
 * A room's relay write keys from one key, as every device that holds it derives them alike
 * (the app derives the admin key from the founder's vault instead: sync/vault/vault-replicas.ts), for
 * tests whose devices are bare SealedDocs or replicateBox calls rather than Vaults.
 */
export function keyedRelayWrite(key: Uint8Array, roomId: string): RelayWriteSource {
  return {
    writer: () => roomWriteKey(key, roomId),
    admin: () => ({ key: roomAdminKey(key, roomId), epoch: 0 }),
    onChange: () => () => undefined,
  };
}

/** Sets the room's policy on the relay at `relayUrl` (as its admin would), for clients that reach it through a proxy. */
export async function registerRoomWrite(relayUrl: string, roomId: string, key: Uint8Array): Promise<void> {
  await relayWrite(relayUrl, roomId, keyedRelayWrite(key, roomId)).sync();
}

/** Only the write key: a device that presents tokens but never sets the room's policy. */
export function writerOnly(key: Uint8Array, roomId: string): RelayWriteSource {
  return { writer: () => roomWriteKey(key, roomId), admin: () => undefined, onChange: () => () => undefined };
}
