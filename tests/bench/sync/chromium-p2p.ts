/**
 * The 5,000-note peer-to-peer catch-up in Chromium: two browser contexts (two devices, no
 * shared BroadcastChannel) load tests/e2e/pages/webrtc-page.ts; one builds a sealed notebook
 * and joins the room through replicateBox (WebRTC only, our signaling server), then the other
 * joins with the same key and is timed until every note is in its plain doc.
 */
import { randomBytes } from 'node:crypto';
import { launchChromium } from '../../e2e/harness/browser.ts';
import { serveWebrtcPage } from '../../e2e/pages/serve-webrtc-page.ts';
import type { NotebookOptions, NotebookState } from '../../e2e/pages/webrtc-page.ts';

export interface ChromiumCatchUp {
  readonly boxBytes: number;
  readonly ms: number;
  readonly state: NotebookState;
}

export async function chromiumP2pCatchUp(notes: number): Promise<ChromiumCatchUp> {
  const served = await serveWebrtcPage();
  const { baseUrl, signaling } = served;
  const browser = await launchChromium();
  try {
    const pages = [];
    for (let i = 0; i < 2; i++) {
      const page = await (await browser.newContext()).newPage();
      await page.goto(baseUrl);
      await page.waitForFunction(() => window.webrtcPage !== undefined);
      pages.push(page);
    }
    const [source, joiner] = pages as [(typeof pages)[0], (typeof pages)[0]];
    const notebook = {
      notebookId: `nb-${randomBytes(8).toString('hex')}`,
      key: randomBytes(32).toString('base64url'),
      keyId: randomBytes(16).toString('base64url'),
      signalingUrl: `${baseUrl.replace('http', 'ws')}signal`,
    };
    const boxBytes = await source.evaluate((o: NotebookOptions) => window.webrtcPage.startNotebook(o), { ...notebook, notes });
    // Announced before the joiner arrives (y-webrtc glare, sync/PROTOCOL.md).
    while (signaling.connectionCount < 1) await new Promise((r) => setTimeout(r, 20));
    await source.waitForTimeout(500);
    const started = performance.now();
    await joiner.evaluate((o: NotebookOptions) => window.webrtcPage.startNotebook(o), { ...notebook, notes: 0 });
    await joiner.waitForFunction((n) => window.webrtcPage.notebookNotes() === n, notes, { timeout: 120_000, polling: 20 });
    const ms = performance.now() - started;
    const state = await joiner.evaluate(() => window.webrtcPage.notebookState());
    if (state.quarantined > 0 || !state.titlesRight) throw new Error(`catch-up arrived damaged: ${JSON.stringify(state)}`);
    return { boxBytes, ms, state };
  } finally {
    await browser.close();
    await served.close();
  }
}
