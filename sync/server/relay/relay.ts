import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { BlobStorage } from './blob-storage.ts';
import type { RelayLimits } from './relay-limits.ts';

/** What the relay (hocus/hocus-relay.ts) is built from; the data directory and the shared parts in this folder. */
export interface RelayOptions {
  /** Holds `docs/` (LevelDB), `blobs/<roomId>/<hash>` and `caps/<roomId>`. */
  readonly dataDir: string;
  readonly limits?: Partial<RelayLimits>;
  /** How often silent clients are looked for (tests shorten it). */
  readonly heartbeatMs?: number;
  /** Sees every frame a client sends, before it is checked (for zero-plaintext canaries). */
  readonly onFrame?: (frame: Uint8Array) => void;
  /**
   * Origins of the web pages that may open relay sockets and PUT blobs (origin-allow-list.ts);
   * a browser request from any other page gets 403. Requests without `Origin` pass.
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Refuse (4400) updates that are not box-shaped (sync/sealed/box-schema.ts). Default true;
   * `npm run bench -- sync` turns it off to send a plain notebook doc as its baseline.
   */
  readonly checkBoxSchema?: boolean;
  /**
   * Only connections and uploads that prove the room's write key may write (write-access.ts);
   * the others are read-only. Always on, but for benches that measure a baseline without it.
   */
  readonly requireWriteCapability?: boolean;
  /**
   * Scale-out: blobs live here (s3-blob-store.ts), shared by every node, with their quota kept
   * there; the disk store and this node's byte ledger then hold docs only. Default: the disk.
   */
  readonly blobStorage?: BlobStorage;
}

/** The running relay: box docs over Hocuspocus at `/relay`, blobs and policies over HTTP (RELAY.md). */
export interface Relay {
  /** True when the upgrade was for `/relay` (accepted or refused here). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** True when the request was for `/relay-blobs/...`, `/relay-caps/...` or `/relay-engine` (answered here). */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
  readonly limits: RelayLimits;
  readonly loadedRooms: number;
  /** Rooms with anything stored, and their bytes together (docs and blobs). */
  readonly stored: { readonly rooms: number; readonly bytes: number };
  /** Update and awareness frames dropped because their connection may not write. */
  readonly ignoredWrites: number;
  /** Closes every relay socket, writes what is pending and closes LevelDB. */
  close(): Promise<void>;
}
