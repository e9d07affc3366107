import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sodiumReady } from '../../../crypto/index.ts';
import { OriginAllowList } from '../origin-allow-list.ts';
import type { BlobStorage } from './blob-storage.ts';
import { RelayBlobStore } from './relay-blob-store.ts';
import type { RelayLimits } from './relay-limits.ts';
import type { RelayRouteParts } from './relay-routes.ts';
import { RoomCaps, type RoomPolicies } from './room-caps.ts';
import { StorageLedger } from './storage-ledger.ts';
import { WriteAccess } from './write-access.ts';

export interface RelayPartsOptions {
  /** Holds `docs/` (LevelDB), `blobs/<roomId>/<hash>` and `caps/<roomId>`. */
  readonly dataDir: string;
  readonly limits: RelayLimits;
  readonly allowedOrigins: readonly string[];
  readonly requireWriteCapability: boolean;
  /**
   * Scale-out: blobs live here (s3-blob-store.ts), shared by every node, with their quota kept
   * there; the disk store and this node's byte ledger then hold docs only. Default: the disk.
   */
  readonly blobStorage?: BlobStorage;
  /** Scale-out: write policies shared by every node (pg-room-caps.ts). Default: `caps/` on disk. */
  readonly caps?: RoomPolicies;
  /** Scale-out: what the shared doc store holds, in bytes. Default: the size of `docs/`. */
  readonly measureDocs?: () => Promise<number>;
}

/** The parts' options from the relay's RelayOptions (relay.ts). */
export function relayPartsOptions(
  options: { dataDir: string; allowedOrigins?: readonly string[]; requireWriteCapability?: boolean; blobStorage?: BlobStorage },
  limits: RelayLimits,
  shared?: { caps: RoomPolicies; measureDocs: () => Promise<number> },
): RelayPartsOptions {
  return {
    dataDir: options.dataDir,
    limits,
    allowedOrigins: options.allowedOrigins ?? [],
    requireWriteCapability: options.requireWriteCapability ?? true,
    ...(options.blobStorage ? { blobStorage: options.blobStorage } : {}),
    ...(shared ? { caps: shared.caps, measureDocs: shared.measureDocs } : {}),
  };
}

/**
 * What the relay builds on its data directory besides box docs: the storage ledger, blobs,
 * write policies, write access and the Origin allow-list, with the ledger seeded from what is
 * on disk. `makeRooms` builds the doc store on `docs/` (its stored rooms count too).
 */
export async function openRelayParts<Rooms extends { storedRoomIds(): Promise<string[]> }>(
  options: RelayPartsOptions,
  makeRooms: (docsDir: string, ledger: StorageLedger) => Rooms,
): Promise<RelayRouteParts & { readonly rooms: Rooms }> {
  const { dataDir, limits } = options;
  await sodiumReady();
  await mkdir(join(dataDir, 'blobs'), { recursive: true });
  const ledger = new StorageLedger(limits, join(dataDir, 'docs'), options.measureDocs);
  const rooms = makeRooms(join(dataDir, 'docs'), ledger);
  const disk = new RelayBlobStore({ dir: join(dataDir, 'blobs'), maxBlobBytes: limits.maxBlobBytes, maxRoomBlobBytes: limits.maxRoomBlobBytes, budget: ledger });
  const caps = options.caps ?? (await RoomCaps.open(join(dataDir, 'caps')));
  const access = new WriteAccess(caps, options.requireWriteCapability);
  // A shared store counts what every node stored; the disk, what this node's directory holds.
  const blobRooms = options.blobStorage ? ((await options.blobStorage.stored?.()) ?? { rooms: [], bytes: 0 }) : await disk.scanAll();
  const blobs = options.blobStorage ?? disk;
  await ledger.seed([...(await rooms.storedRoomIds()), ...blobRooms.rooms, ...caps.rooms], blobRooms.bytes);
  return { rooms, ledger, blobs, caps, access, pages: new OriginAllowList(options.allowedOrigins) };
}
