import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../../../sync/server/app-server.ts';

/**
 * Issue 12 §7: the app must not be framed by another site (clickjacking: a transparent
 * frame over a "click here" page, pressing "Yes, they match" or "Withdraw"). A <meta> CSP
 * cannot carry frame-ancestors, so the server must send it as a header, on every response.
 */
describe('app server: framing headers on every response', () => {
  let dist: string;
  let app: AppServer;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'obscura-app-headers-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Obscura</title><div id="root"></div>');
    writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
    app = await startAppServer({ distDir: dist, port: 0 });
    // As the relay's blob API does (attach-sync.ts): a route that answers before the assets.
    app.addRoute((req, res) => {
      if (req.url !== '/relay-blobs/room/hash') return false;
      res.end('blob');
      return true;
    });
  });

  afterAll(async () => {
    await app?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it('the shell, an asset, an unknown path and a route all send CSP frame-ancestors \'none\' and X-Frame-Options: DENY', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js', '/no/such/page', '/relay-blobs/room/hash']) {
      const response = await fetch(new URL(path, app.url));
      expect(response.status, path).toBe(200);
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy.split(';').map((d) => d.trim()), path).toContain('frame-ancestors \'none\'');
      expect(policy, path).toMatch(/(^|; )default-src 'self'(;|$)/);
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
    }
  });
});
