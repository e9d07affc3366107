import { S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import type { BlobStorage } from './blob-storage.ts';
import { S3BlobStore } from './s3-blob-store.ts';

export interface S3BlobConfig {
  /** The endpoint; credentials in its user part, or else the SDK's usual AWS_* variables. */
  readonly s3Url: string;
  readonly bucket: string;
  readonly postgresUrl: string;
  readonly maxBlobBytes: number;
  readonly maxRoomBlobBytes: number;
  /** The relay-wide byte cap, docs and blobs of every node together. */
  readonly maxTotalBytes: number;
}

/** The S3 blob store of a scale-out node, with the connections it owns (closed by `close`). */
export async function openS3Blobs(config: S3BlobConfig): Promise<{ store: BlobStorage; close(): Promise<void> }> {
  const url = new URL(config.s3Url);
  const credentials = url.username
    ? { accessKeyId: decodeURIComponent(url.username), secretAccessKey: decodeURIComponent(url.password) }
    : undefined;
  url.username = '';
  url.password = '';
  const s3 = new S3Client({
    endpoint: url.toString().replace(/\/$/, ''),
    region: process.env.AWS_REGION ?? 'us-east-1',
    // Buckets in the path: Ceph's gateway and MinIO serve them so without wildcard DNS.
    forcePathStyle: true,
    ...(credentials ? { credentials } : {}),
    // The SDK's default request checksums make streamed uploads fail on Ceph's gateway (411).
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  const pool = new pg.Pool({ connectionString: config.postgresUrl, max: 20 });
  // A dropped idle connection is replaced on next use; it must not end the process.
  pool.on('error', (error) => console.error(`relay: PostgreSQL: ${error.message}`));
  try {
    const store = await S3BlobStore.open({ s3, bucket: config.bucket, pool, maxBlobBytes: config.maxBlobBytes, maxRoomBlobBytes: config.maxRoomBlobBytes, maxTotalBytes: config.maxTotalBytes });
    return {
      store,
      async close() {
        s3.destroy();
        await pool.end();
      },
    };
  } catch (error) {
    s3.destroy();
    await pool.end();
    throw error;
  }
}
