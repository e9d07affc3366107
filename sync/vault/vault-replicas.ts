import type * as Y from 'yjs';
import type { SigningKeyPair, VaultKey } from '../../crypto/index.ts';
import { roomAdminKey, roomWriteKey } from '../relay-cap/room-write-keys.ts';
import type { PresenceSigningKeys } from '../replication/presence-seal.ts';
import type { RelayWriteSource } from '../replication/relay-write.ts';
import { epochOfKey } from '../share/key-epochs.ts';
import { readMember } from '../share/members.ts';
import { roomMeta } from '../share/room-meta.ts';
import type { NotebookRegistry } from './notebook-registry.ts';
import { derivedBytes, vaultRoomSecrets, type RetiredVaultRooms, type VaultRoomSecrets } from './retired-vault-rooms.ts';
import { listedSigningKey, notebookKeys, notebookRoom, relayAdminSeed } from '../vault-doc/vault-doc.ts';

/** A box and the room it meets its peers in; what startVaultSync replicates. */
export interface BoxReplica {
  readonly box: Y.Doc;
  readonly roomId: string;
  readonly password: string;
  /** Seals presence (replicateBox), derived for this room. */
  readonly presenceKey: Uint8Array;
  /** Signs this device's presence; `signingKeyOf` says whose presence to believe (presence-seal.ts). */
  readonly presenceSigner: SigningKeyPair;
  readonly signingKeyOf: PresenceSigningKeys;
  /** The room's relay write keys (sync/replication/relay-write.ts). */
  readonly relayWrite: RelayWriteSource;
}

/** What the replicas need of the vault. */
export interface VaultReplicasHost {
  readonly vaultId: string;
  /** The plain vault doc: notebook rooms and keys, listed devices (vault-doc.ts). */
  readonly doc: Y.Doc;
  /** The vault doc's ciphertext. */
  readonly box: Y.Doc;
  readonly signing: SigningKeyPair;
  readonly notebooks: Pick<NotebookRegistry, 'loadBox' | 'opened'>;
  /** The old vault rooms this device serves handovers in (retired-vault-rooms.ts). */
  readonly retired: Pick<RetiredVaultRooms, 'rooms'>;
  key(): VaultKey;
  /** Whether the person approved this device (device-approvals.ts). */
  approved(deviceId: string): boolean;
  locked(): boolean;
  /** Not locked or locking: keys are handed out only then. */
  live(): boolean;
  assertUnlocked(): void;
}

/** What startVaultSync replicates: the vault room, the retired vault rooms and each notebook's room. */
export class VaultReplicas {
  readonly #host: VaultReplicasHost;

  constructor(host: VaultReplicasHost) {
    this.#host = host;
  }

  /** The vault doc's box and its room, derived from the vault key. */
  vault(): BoxReplica {
    this.#host.assertUnlocked();
    // Every device of the vault holds the vault key: each can write the room and set its policy.
    return this.#vaultRoomReplica(this.#host.box, vaultRoomSecrets(this.#host.key(), this.#host.vaultId));
  }

  /**
   * The vault rooms of the keys this device replaced when it removed a device (removeDevice),
   * with only the handovers of the new key (and the removed device's revocation) in them, so
   * the person's other devices, still there, find them (vault-key-handover.ts). Offered at
   * every unlock until each recipient took its handover up.
   */
  retired(): BoxReplica[] {
    this.#host.assertUnlocked();
    return this.#host.retired.rooms().map((room) => this.#vaultRoomReplica(room.box, room.secrets));
  }

  /** A listed notebook's box (loaded from disk, not decrypted) and its room; undefined when the vault doc does not list it. */
  async notebook(id: string): Promise<BoxReplica | undefined> {
    this.#host.assertUnlocked();
    const room = notebookRoom(this.#host.doc, id);
    if (!room) return undefined;
    const { box } = await this.#host.notebooks.loadBox(id);
    return {
      box,
      roomId: room.roomId,
      password: room.password,
      presenceKey: room.presenceKey.slice(),
      presenceSigner: this.#host.signing,
      // Current members only, and only while the notebook is open (its member list is plain then).
      signingKeyOf: (deviceId) => {
        const open = this.#host.notebooks.opened(id);
        const member = open && readMember(open.doc, deviceId);
        return member && member.removedAt === undefined && member.role !== 'invite' ? member.signingPublicKey : undefined;
      },
      relayWrite: this.#notebookRelayWrite(id, room.roomId, box),
    };
  }

  #vaultRoomReplica(box: Y.Doc, secrets: VaultRoomSecrets): BoxReplica {
    const { live } = this.#host;
    return {
      box,
      roomId: secrets.roomId,
      password: secrets.password,
      presenceKey: secrets.presence.slice(),
      presenceSigner: this.#host.signing,
      // The person's devices: approved ones only (device-approvals.ts).
      signingKeyOf: (deviceId) => (this.#host.locked() || !this.#host.approved(deviceId) ? undefined : listedSigningKey(this.#host.doc, deviceId)),
      relayWrite: {
        writer: () => (live() ? secrets.writer : undefined),
        admin: () => (live() ? { key: secrets.admin, epoch: 0 } : undefined),
        onChange: () => () => undefined,
      },
    };
  }

  /**
   * A notebook room's write key follows the notebook's current key (from the vault doc, where
   * key epochs put it); its admin is this vault if it founded the notebook, at the epoch of the
   * current key.
   */
  #notebookRelayWrite(id: string, roomId: string, box: Y.Doc): RelayWriteSource {
    const { doc } = this.#host;
    const current = (): { keyId: string; key: Uint8Array } | undefined => {
      if (!this.#host.live()) return undefined;
      const keys = notebookKeys(doc, id);
      const key = keys?.keys.get(keys.currentKeyId);
      return keys && key ? { keyId: keys.currentKeyId, key } : undefined;
    };
    return {
      writer: () => {
        const key = current();
        return key && roomWriteKey(key.key, roomId);
      },
      admin: () => {
        const key = current();
        const seed = key && relayAdminSeed(doc, id, () => derivedBytes(this.#host.key(), 'relay-admin-seed', id));
        const room = notebookRoom(doc, id);
        return key && seed && room ? { key: roomAdminKey(seed, roomId), epoch: epochOfKey(box, id, roomMeta(room), key.keyId) } : undefined;
      },
      onChange: (listener) => {
        let last = current()?.keyId;
        const onVault = (): void => {
          const now = current()?.keyId;
          if (now === last) return;
          last = now;
          listener();
        };
        doc.on('update', onVault);
        return () => doc.off('update', onVault);
      },
    };
  }
}
