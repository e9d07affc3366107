import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startRedis } from '../../helpers/services/redis';
import { processAlive, processesMentioning } from '../../helpers/services/service-process';

describe('the Redis test service', () => {
  it('starts on 127.0.0.1 with a password, answers, and stops by pid leaving nothing running', async () => {
    const redis = await startRedis();
    try {
      expect(redis.url).toMatch(/^redis:\/\/:[0-9a-f]+@127\.0\.0\.1:\d+$/);
      const client = new Redis(redis.url);
      await client.set('k', 'v');
      expect(await client.get('k')).toBe('v');
      client.disconnect();
      // Without the password the server refuses: the URL's credentials are what let us in.
      const anonymous = new Redis(`redis://127.0.0.1:${redis.port}`, { maxRetriesPerRequest: 0, retryStrategy: () => null });
      anonymous.on('error', () => undefined);
      await expect(anonymous.get('k')).rejects.toThrow(/NOAUTH|Authentication/);
      anonymous.disconnect();
      expect(processAlive(redis.pid)).toBe(true);
    } finally {
      await redis.stop();
    }
    expect(processAlive(redis.pid)).toBe(false);
    expect(processesMentioning(redis.dir)).toEqual([]);
    expect(processesMentioning(`--port ${redis.port}`)).toEqual([]);
  });
});
