import { describe, expect, it } from 'vitest';
import { allowedOriginsFlag, limitFlags, refuseRelayEngineFlag, scaleOutFlags } from '../../../sync/server/cli-flags.ts';
import { addressKey } from '../../../sync/server/connections-per-address.ts';
import { originsServedFrom, parseOriginList } from '../../../sync/server/origin-allow-list.ts';
import { parseByteRange, parseContentRange } from '../../../sync/server/relay/blob-files.ts';
import { isRoomId } from '../../../sync/server/relay/relay-limits.ts';
import { parseSignalingMessage } from '../../../sync/server/signaling-message.ts';

const TOPIC = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde';

describe('wire parsers', () => {
  it('room ids: 16-64 base64url characters, nothing else', () => {
    expect(isRoomId(TOPIC)).toBe(true);
    for (const bad of ['short', 'x'.repeat(65), 'has space 0123456789', '../../etc/passwd0000', 'dots.are.not.ok.000', '']) {
      expect({ bad, ok: isRoomId(bad) }).toEqual({ bad, ok: false });
    }
  });

  it('signaling messages: the four y-webrtc types, checked field by field', () => {
    expect(parseSignalingMessage(JSON.stringify({ type: 'subscribe', topics: [TOPIC] }))).toEqual({ type: 'subscribe', topics: [TOPIC] });
    expect(parseSignalingMessage(JSON.stringify({ type: 'unsubscribe', topics: [] }))).toEqual({ type: 'unsubscribe', topics: [] });
    // Extra fields of a publish are dropped; only topic and data travel on.
    expect(parseSignalingMessage(JSON.stringify({ type: 'publish', topic: TOPIC, data: 'c2VhbGVk', clients: 99, from: 'me' }))).toEqual({
      type: 'publish',
      topic: TOPIC,
      data: 'c2VhbGVk',
    });
    expect(parseSignalingMessage('{"type":"ping"}')).toEqual({ type: 'ping' });
    const bad = [
      'not json',
      'null',
      '"ping"',
      '[{"type":"ping"}]',
      '{"type":"pong"}',
      '{"type":"subscribe"}',
      `{"type":"subscribe","topics":[1]}`,
      `{"type":"subscribe","topics":["${TOPIC}","nope"]}`,
      '{"type":"publish","data":"x"}',
      '{"type":"publish","topic":"readable name","data":"c2VhbGVk"}',
      // y-webrtc without its password: SDP and ICE candidates in the clear.
      `{"type":"publish","topic":"${TOPIC}","data":{"type":"announce","from":"peer"}}`,
      `{"type":"publish","topic":"${TOPIC}","data":"v=0 o=- 4611 2 IN IP4 127.0.0.1"}`,
      `{"type":"publish","topic":"${TOPIC}","data":""}`,
      `{"type":"publish","topic":"${TOPIC}"}`,
    ];
    for (const text of bad) expect({ text, parsed: parseSignalingMessage(text) }).toEqual({ text, parsed: undefined });
  });

  it('Content-Range of an upload part and Range of a download', () => {
    expect(parseContentRange('bytes 0-99/200')).toEqual({ start: 0, end: 99, total: 200 });
    for (const bad of ['bytes 0-99/50', 'bytes 10-5/20', 'bytes */200', 'bytes 0-99/*', 'items 0-1/2', 'bytes -1-5/9']) {
      expect({ bad, parsed: parseContentRange(bad) }).toEqual({ bad, parsed: undefined });
    }
    expect(parseByteRange('bytes=10-19', 100)).toEqual({ start: 10, end: 19 });
    expect(parseByteRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseByteRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    expect(parseByteRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseByteRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
    expect(parseByteRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=20-10', 100)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=-0', 100)).toBe('unsatisfiable');
    for (const whole of [undefined, 'bytes=-', 'bytes=0-1,5-6', 'items=0-1']) expect(parseByteRange(whole, 100)).toBeUndefined();
  });

  it('allowed origins: the app\'s loopback spellings, --allow-origin (repeatable) over RELAY_ALLOWED_ORIGINS, junk refused', () => {
    expect(originsServedFrom('http://127.0.0.1:8080/')).toEqual(['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080']);
    expect(originsServedFrom('https://notes.example.org/')).toEqual(['https://notes.example.org']);
    expect(parseOriginList(' http://a.example:81/ ,, HTTPS://B.example ')).toEqual(['http://a.example:81', 'https://b.example']);
    const argv = ['node', 'relay', '--allow-origin', 'http://a.example:81', '--port', '0', '--allow-origin', 'http://b.example'];
    expect(allowedOriginsFlag(argv, 'http://env.example')).toEqual(['http://a.example:81', 'http://b.example']);
    expect(allowedOriginsFlag(['node', 'relay'], 'http://env.example,http://env2.example')).toEqual(['http://env.example', 'http://env2.example']);
    expect(allowedOriginsFlag(['node', 'relay'], undefined)).toEqual([]);
    for (const bad of ['not a url', 'ftp://files.example', 'null']) {
      expect(() => parseOriginList(bad), bad).toThrow(/origin/);
    }
    expect(() => allowedOriginsFlag(['node', 'relay', '--allow-origin'], undefined)).toThrow(/needs a value/);
  });

  it('--limit name=value: a known relay limit and a positive integer, else the relay does not start', () => {
    expect(limitFlags(['node', 'relay', '--limit', 'maxRooms=200', '--limit', 'maxConnectionsPerIp=8'])).toEqual({ maxRooms: 200, maxConnectionsPerIp: 8 });
    for (const bad of ['maxRoom=2', 'maxRooms=0', 'maxRooms=-1', 'maxRooms=1.5', 'maxRooms=lots', 'maxRooms']) {
      expect(() => limitFlags(['node', 'relay', '--limit', bad]), bad).toThrow(/--limit/);
    }
  });

  it('client addresses: IPv4-mapped IPv6 as IPv4, IPv6 by its /64', () => {
    expect(addressKey('127.0.0.1')).toBe('127.0.0.1');
    expect(addressKey('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('2001:0db8:0000:0000:abcd::2')).toBe('2001:db8:0:0::/64');
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });

  it('scale-out flags: --redis --postgres --s3 --s3-bucket, or their environment variables; what cannot work is refused', () => {
    const argv = ['node', 'relay', '--redis', 'redis://:pw@10.0.0.2:6379', '--postgres', 'postgres://u:p@db/relay', '--s3', 'http://K:S@10.0.0.3:7480', '--s3-bucket', 'relay-blobs'];
    expect(scaleOutFlags(argv, {})).toEqual({ redisUrl: 'redis://:pw@10.0.0.2:6379', postgresUrl: 'postgres://u:p@db/relay', s3Url: 'http://K:S@10.0.0.3:7480', s3Bucket: 'relay-blobs' });
    expect(scaleOutFlags(['node', 'relay'], { RELAY_REDIS_URL: 'redis://r:6379', RELAY_POSTGRES_URL: 'postgresql://db/x', RELAY_S3_URL: 'https://s3.example', RELAY_S3_BUCKET: 'b-1' }))
      .toEqual({ redisUrl: 'redis://r:6379', postgresUrl: 'postgresql://db/x', s3Url: 'https://s3.example', s3Bucket: 'b-1' });
    // A flag wins over its variable; none at all is one embedded node.
    expect(scaleOutFlags(['node', 'relay', '--redis', 'redis://a:1', '--postgres', 'postgres://d/x'], { RELAY_REDIS_URL: 'redis://b:2' })).toEqual({ redisUrl: 'redis://a:1', postgresUrl: 'postgres://d/x' });
    expect(scaleOutFlags(['node', 'relay'], {})).toEqual({});
    expect(() => scaleOutFlags(['node', 'relay', '--redis', 'http://x'], {})).toThrow(/--redis: expected redis/);
    expect(() => scaleOutFlags(['node', 'relay', '--s3', 'http://x', '--postgres', 'postgres://d/x'], {})).toThrow(/go together/);
    expect(() => scaleOutFlags(['node', 'relay', '--s3', 'http://x', '--s3-bucket', 'bkt'], {})).toThrow(/needs --postgres/);
    expect(() => scaleOutFlags(['node', 'relay', '--s3', 'http://x', '--s3-bucket', 'Bad_Bucket', '--postgres', 'postgres://d/x'], {})).toThrow(/--s3-bucket/);
    expect(() => scaleOutFlags(['node', 'relay', '--postgres'], {})).toThrow(/needs a value/);
  });

  it('--redis and --postgres go together (box docs are shared through both): one alone stops the relay, naming the flag to add', () => {
    expect(() => scaleOutFlags(['node', 'relay', '--redis', 'redis://r:6379'], {})).toThrow(
      '--redis needs --postgres too: rooms are shared through Redis and stored in PostgreSQL. Add --postgres postgres://USER:PASSWORD@HOST:5432/DATABASE (or RELAY_POSTGRES_URL), or drop --redis for one node on its data directory.',
    );
    expect(() => scaleOutFlags(['node', 'relay'], { RELAY_REDIS_URL: 'redis://r:6379' })).toThrow(/^RELAY_REDIS_URL needs --postgres too: .* Add --postgres postgres:\/\/USER:PASSWORD@HOST:5432\/DATABASE/);
    expect(() => scaleOutFlags(['node', 'relay', '--postgres', 'postgres://d/x'], {})).toThrow(
      '--postgres needs --redis too: rooms are shared through Redis and stored in PostgreSQL. Add --redis redis://[:PASSWORD@]HOST:6379 (or RELAY_REDIS_URL), or drop --postgres for one node on its data directory.',
    );
    expect(() => scaleOutFlags(['node', 'relay', '--s3', 'http://x', '--s3-bucket', 'bkt', '--postgres', 'postgres://d/x'], {})).toThrow(/--postgres needs --redis too/);
  });

  it('--relay-engine (RELAY_ENGINE) is gone with the y-websocket relay: a script that still passes it stops with what to do', () => {
    expect(() => refuseRelayEngineFlag(['node', 'relay'], undefined)).not.toThrow();
    expect(() => refuseRelayEngineFlag(['node', 'relay'], '')).not.toThrow();
    for (const engine of ['y-websocket', 'hocuspocus']) {
      expect(() => refuseRelayEngineFlag(['node', 'relay', '--relay-engine', engine], undefined)).toThrow(/--relay-engine is gone: the relay is Hocuspocus only .* Drop --relay-engine\./);
      expect(() => refuseRelayEngineFlag(['node', 'relay'], engine)).toThrow(/RELAY_ENGINE is gone: .* Drop RELAY_ENGINE\./);
    }
  });
});
