import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startCephRgw } from '../../helpers/services/ceph-rgw';
import { processAlive, processesMentioning } from '../../helpers/services/service-process';

describe('the Ceph RADOS Gateway test service', () => {
  it('serves S3 with the user keys, refuses other keys, and stops by pid leaving nothing running', { timeout: 120_000 }, async () => {
    const rgw = await startCephRgw();
    try {
      const s3 = new S3Client({
        endpoint: rgw.endpoint, region: 'us-east-1', forcePathStyle: true,
        credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
        requestChecksumCalculation: 'WHEN_REQUIRED',
      });
      await s3.send(new CreateBucketCommand({ Bucket: 'svc-test' }));
      const body = randomBytes(300_000);
      await s3.send(new PutObjectCommand({ Bucket: 'svc-test', Key: 'k', Body: body }));
      const got = await s3.send(new GetObjectCommand({ Bucket: 'svc-test', Key: 'k', Range: 'bytes=1000-1999' }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body.subarray(1000, 2000))).toBe(true);
      s3.destroy();
      const stranger = new S3Client({
        endpoint: rgw.endpoint, region: 'us-east-1', forcePathStyle: true,
        credentials: { accessKeyId: 'NOTAKEY', secretAccessKey: 'nope' },
      });
      const refused = await stranger.send(new GetObjectCommand({ Bucket: 'svc-test', Key: 'k' })).then(() => undefined, (error: { $metadata?: { httpStatusCode?: number } }) => error);
      expect(refused?.$metadata?.httpStatusCode).toBe(403);
      stranger.destroy();
      expect(rgw.pids.every(processAlive)).toBe(true);
    } finally {
      await rgw.stop();
    }
    expect(rgw.pids.some(processAlive)).toBe(false);
    expect(processesMentioning(rgw.dir)).toEqual([]);
  });
});
