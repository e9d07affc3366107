import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { asNotebookKey, asVaultKey, deriveId, fromBase64Url, wipe, type SigningKeyPair, type VaultKey } from '../../crypto/index.ts';
import { presenceKey } from '../replication/presence-seal.ts';
import { roomAdminKey, roomWriteKey } from '../relay-cap/room-write-keys.ts';
import { vaultSealedMeta } from './vault-doc-sealing.ts';
import { guardHandovers } from './vault-key-handover.ts';

/** What a vault room needs of the vault key, derived once: a retired room outlives its key. */
export interface VaultRoomSecrets {
  readonly roomId: string;
  readonly password: string;
  readonly presence: Uint8Array;
  readonly writer: SigningKeyPair;
  readonly admin: SigningKeyPair;
}

export function vaultRoomSecrets(key: VaultKey, vaultId: string): VaultRoomSecrets {
  const roomId = deriveId(key, 'vault-room', vaultId);
  return {
    roomId,
    password: deriveId(key, 'vault-room-password', vaultId),
    presence: presenceKey(asNotebookKey(derivedBytes(key, 'vault-presence', vaultId)), roomId),
    writer: roomWriteKey(key, roomId),
    admin: roomAdminKey(key, roomId),
  };
}

export function derivedBytes(key: Uint8Array, purpose: string, input: string): Uint8Array {
  const bytes = fromBase64Url(deriveId(key, purpose, input));
  if (!bytes.ok) throw new Error('deriveId returned invalid base64url');
  return bytes.value;
}

/** The device record that keeps the pending handovers across locks (device-record.ts, sealed under the current vault key). */
export const PENDING_HANDOVERS_RECORD = 'vault-handovers';
const FORMAT = 1;

interface RetiredRoom {
  readonly oldKey: VaultKey;
  readonly box: Y.Doc;
  readonly secrets: VaultRoomSecrets;
  /** Devices the handover in `box` is for that have not shown up under the new key yet. */
  readonly pending: Set<string>;
  readonly stopGuard: () => void;
}

/**
 * The old vault rooms this device serves after it removed a device (sync/PROTOCOL.md
 * "Removing one device", "The handover is durable"): each holds the handovers of the new key
 * and the removed device's revocation, sealed under the old key. They are kept in a device
 * record (old key, the box's state, who has not taken theirs up) so that every unlock offers
 * them again, until each recipient shows up under the new key (acknowledged).
 */
export class RetiredVaultRooms {
  readonly #vaultId: string;
  readonly #rooms: RetiredRoom[] = [];
  /** Rooms every recipient acknowledged: no longer stored or offered, wiped at lock (a running sync may still hold their box). */
  readonly #done: RetiredRoom[] = [];

  constructor(vaultId: string) {
    this.#vaultId = vaultId;
  }

  /** The rooms of a stored record; a record that does not decode gives none (the person links the others again, as before). */
  static fromRecord(vaultId: string, bytes: Uint8Array): RetiredVaultRooms {
    const rooms = new RetiredVaultRooms(vaultId);
    for (const { oldKey, update, recipients } of decodeRecord(bytes) ?? []) {
      const box = new Y.Doc();
      try {
        Y.applyUpdate(box, update);
      } catch {
        box.destroy();
        continue;
      }
      rooms.add(asVaultKey(oldKey), box, recipients);
    }
    return rooms;
  }

  /** Takes a room over (`box` and a copy of `oldKey`). */
  add(oldKey: VaultKey, box: Y.Doc, recipients: readonly string[]): void {
    if (recipients.length === 0) {
      box.destroy();
      return;
    }
    const key = asVaultKey(oldKey.slice());
    const stopGuard = guardHandovers({ box, vaultId: this.#vaultId, meta: vaultSealedMeta(key, this.#vaultId) });
    this.#rooms.push({ oldKey: key, box, secrets: vaultRoomSecrets(key, this.#vaultId), pending: new Set(recipients), stopGuard });
  }

  /** Devices some handover still waits for. */
  pending(): string[] {
    return [...new Set(this.#rooms.flatMap((room) => [...room.pending]))].sort();
  }

  rooms(): readonly { readonly box: Y.Doc; readonly secrets: VaultRoomSecrets }[] {
    return this.#rooms;
  }

  /** Drops the recipients `done` says took theirs up (or need it no more); true when anything changed. */
  settle(done: (deviceId: string) => boolean): boolean {
    let changed = false;
    for (const room of [...this.#rooms]) {
      for (const id of [...room.pending]) {
        if (!done(id)) continue;
        room.pending.delete(id);
        changed = true;
      }
      if (room.pending.size > 0) continue;
      this.#rooms.splice(this.#rooms.indexOf(room), 1);
      this.#done.push(room);
    }
    return changed;
  }

  /** The record to store; undefined when nothing is pending (the record is removed). */
  record(): Uint8Array | undefined {
    if (this.#rooms.length === 0) return undefined;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, FORMAT);
    encoding.writeVarUint(encoder, this.#rooms.length);
    for (const room of this.#rooms) {
      encoding.writeVarUint8Array(encoder, room.oldKey);
      encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(room.box));
      encoding.writeVarUint(encoder, room.pending.size);
      for (const id of room.pending) encoding.writeVarString(encoder, id);
    }
    return encoding.toUint8Array(encoder);
  }

  /** Stops the guards, destroys the boxes and wipes every key (at lock). */
  wipe(): void {
    for (const room of [...this.#rooms.splice(0), ...this.#done.splice(0)]) {
      room.stopGuard();
      room.box.destroy();
      wipe(room.oldKey);
      wipe(room.secrets.presence);
      wipe(room.secrets.writer.secretKey);
      wipe(room.secrets.admin.secretKey);
    }
  }
}

function decodeRecord(bytes: Uint8Array): { oldKey: Uint8Array; update: Uint8Array; recipients: string[] }[] | undefined {
  try {
    const decoder = decoding.createDecoder(bytes);
    if (decoding.readVarUint(decoder) !== FORMAT) return undefined;
    const count = decoding.readVarUint(decoder);
    if (count > bytes.length) return undefined;
    const rooms: { oldKey: Uint8Array; update: Uint8Array; recipients: string[] }[] = [];
    for (let i = 0; i < count; i++) {
      const oldKey = decoding.readVarUint8Array(decoder).slice();
      const update = decoding.readVarUint8Array(decoder).slice();
      const n = decoding.readVarUint(decoder);
      if (oldKey.length !== 32 || n > bytes.length) return undefined;
      const recipients: string[] = [];
      for (let j = 0; j < n; j++) recipients.push(decoding.readVarString(decoder));
      rooms.push({ oldKey, update, recipients });
    }
    return decoding.hasContent(decoder) ? undefined : rooms;
  } catch {
    return undefined;
  }
}
