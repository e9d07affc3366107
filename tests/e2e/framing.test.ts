import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../sync/server/security-headers.ts';
import { guardedContext, launchChromium, type GuardedContext } from './harness/browser.ts';

/**
 * Clickjacking (issue 12 §7): a page on another origin frames the app, makes the frame
 * transparent and lays "click here" over "Yes, they match" or "Withdraw". The app's
 * responses forbid being framed (CSP frame-ancestors 'none', X-Frame-Options: DENY), so
 * Chromium shows an error page in the frame instead of the app. The attacker's own frame
 * (same page, same origin) is the control: it shows, so an empty app frame is the header's
 * doing, not a broken page.
 */
describe('the app cannot be framed by a page on another origin (built app, Chromium)', () => {
  const baseUrl = inject('baseUrl');
  let attacker: Server;
  let attackerUrl = '';
  let browser: Browser;
  let device: GuardedContext;
  let page: Page;
  const consoleLines: string[] = [];

  beforeAll(async () => {
    attacker = createServer((req, res) => {
      res.setHeader('Content-Type', 'text/html');
      if (req.url === '/control') {
        res.end('<!doctype html><title>control</title><h1>attacker content</h1>');
        return;
      }
      res.end(`<!doctype html><title>win a prize</title><h1>Click the button to win</h1>
<iframe id="control" src="/control"></iframe>
<iframe id="victim" src="${baseUrl}" style="opacity:0.01" width="1000" height="700"></iframe>`);
    });
    // localhost, not 127.0.0.1: another origin than the app's, on the same machine.
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://localhost:${(attacker.address() as AddressInfo).port}/`;
    browser = await launchChromium();
    device = await guardedContext(browser, baseUrl, [attackerUrl]);
    page = await device.newPage();
    page.on('console', (message) => consoleLines.push(message.text()));
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => attacker?.close(resolve));
  });

  const frameOf = (id: string): Promise<Frame | null> => page.locator(`iframe#${id}`).elementHandle().then((h) => h?.contentFrame() ?? null);

  /** 'app' once the app rendered in the frame, 'blocked' once Chromium put its error page there. */
  async function victimState(): Promise<string> {
    const frame = await frameOf('victim');
    if (!frame) return 'no frame';
    if (frame.url().startsWith('chrome-error://')) return 'blocked';
    const app = await frame.locator('#root h1').count().catch(() => 0);
    return app > 0 ? 'app' : `loading ${frame.url()}`;
  }

  it('the attacker\'s own frame shows; the app\'s frame is refused by Chromium and the app never runs in it', async () => {
    expect(new URL(attackerUrl).origin).not.toBe(new URL(baseUrl).origin);
    await page.goto(attackerUrl);
    await (await frameOf('control'))?.getByRole('heading', { name: 'attacker content' }).waitFor();
    await expect.poll(victimState, { timeout: 20_000 }).toBe('blocked');
    expect(consoleLines.some((line) => line.includes('frame-ancestors') || line.includes('X-Frame-Options'))).toBe(true);
    expect(device.foreignRequests).toEqual([]);
  });

  it('the built shell\'s <meta> policy is the header\'s, less frame-ancestors (one source: sync/server/security-headers.ts)', async () => {
    const response = await fetch(baseUrl);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const html = await response.text();
    const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)"/g)].map((m) => m[1]);
    expect(metas).toEqual([META_CONTENT_SECURITY_POLICY]);
    const directives = (policy: string) => policy.split(';').map((d) => d.trim());
    expect(directives(CONTENT_SECURITY_POLICY).filter((d) => !directives(META_CONTENT_SECURITY_POLICY).includes(d))).toEqual(['frame-ancestors \'none\'']);
  });
});
