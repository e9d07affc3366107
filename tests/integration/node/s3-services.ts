import { S3Client } from '@aws-sdk/client-s3';
import { startCephRgw, type CephRgwService } from '../../helpers/services/ceph-rgw';
import { createDatabase, startPostgres, type PostgresService } from '../../helpers/services/postgres';

/** One Ceph gateway and one PostgreSQL for a test file; each store gets its own bucket and database. */
export interface S3Services {
  readonly rgw: CephRgwService;
  readonly postgres: PostgresService;
  /** A new empty database on the cluster: its URL. */
  newDatabase(): Promise<string>;
  s3(): S3Client;
  stop(): Promise<void>;
}

let counter = 0;

export async function startS3Services(): Promise<S3Services> {
  const [rgw, postgres] = await Promise.all([startCephRgw(), startPostgres()]);
  return {
    rgw, postgres,
    async newDatabase() {
      return createDatabase(postgres, `relay_${process.pid}_${++counter}`);
    },
    s3: () => new S3Client({
      endpoint: rgw.endpoint, region: 'us-east-1', forcePathStyle: true,
      credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
      // The SDK's default request checksums make streamed uploads fail on Ceph with 411.
      requestChecksumCalculation: 'WHEN_REQUIRED',
    }),
    async stop() {
      await Promise.all([rgw.stop(), postgres.stop()]);
    },
  };
}
