import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SyncedApp } from './harness/sync-servers.ts';
import { twoDevicesForSuite } from './harness/two-devices-for-suite.ts';
import { addNotebook, createVaultInUi } from './harness/app-flows.ts';

/**
 * Owner-signed member records in the app (issue 13 §3): the owner invites a member through the
 * Sync panel; the member (a Node device, harness/forging-member.ts) joins by the real link and
 * writes a note, then adds a stranger's device as owner and stores a note signed by that
 * stranger. The owner's Chromium shows the member and its note, never the stranger's device in
 * Members nor its note.
 */
const PASS = 'correct horse battery staple';
const NOTEBOOK = 'Shared with a member';
const MEMBER_TITLE = 'written-by-the-member';
const STRANGER_TITLE = 'written-by-the-forged-device';
const AFTER_TITLE = 'written-by-the-member-after-the-forgery';

const note = (page: Page, title: string) => page.locator(`.note-list li[data-note-title="${title}"]`);
const memberIds = async (page: Page) => page.getByRole('dialog').locator('.member-list li[data-device-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-device-id') ?? ''));

function firstJsonLine(child: ChildProcessWithoutNullStreams): Promise<Record<string, unknown>> {
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      if (line.startsWith('{')) resolve(JSON.parse(line) as Record<string, unknown>);
    });
    child.on('exit', (code) => reject(new Error(`member process exited with ${code}`)));
  });
}

describe('a member forges a device (built app, real relay, a Node member)', () => {
  let server: SyncedApp;
  let a: Page;
  twoDevicesForSuite((opened) => ({ server, a } = opened));

  it('the owner sees the invited member and its note, never the forged device nor what it wrote', async () => {
    await a.goto(server.url);
    await createVaultInUi(a, PASS);
    await addNotebook(a, NOTEBOOK);
    await a.getByRole('button', { name: 'Sync', exact: true }).click();
    const panel = a.getByRole('dialog');
    await expect.poll(() => panel.getByTestId('relay-state').textContent(), { timeout: 20_000 }).toBe('connected');
    await panel.getByRole('button', { name: 'Create invite link' }).click();
    const link = await panel.locator('#invite-link').inputValue();

    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./harness/forging-member.ts', import.meta.url).pathname], {
      env: { ...process.env, OBSCURA_LINK: link, OBSCURA_MEMBER_TITLE: MEMBER_TITLE, OBSCURA_STRANGER_TITLE: STRANGER_TITLE, OBSCURA_AFTER_TITLE: AFTER_TITLE },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    try {
      const report = await firstJsonLine(child).catch((error: unknown) => ({ error: `${String(error)} ${stderr}` }));
      expect(report).toMatchObject({ joined: true });
      const { deviceId, strangerId } = report as { deviceId: string; strangerId: string };

      // The real invite flow: the member is listed and its note arrives.
      await expect.poll(() => memberIds(a), { timeout: 60_000 }).toContain(deviceId);
      await a.getByRole('button', { name: 'Close sync panel' }).click();
      await note(a, MEMBER_TITLE).waitFor({ timeout: 60_000 });
      // The member's note written after the forgery has arrived, so the forgery was offered before it.
      await note(a, AFTER_TITLE).waitFor({ timeout: 60_000 });
      await a.waitForTimeout(2_000);
      expect(await note(a, STRANGER_TITLE).count()).toBe(0);
      await a.getByRole('button', { name: 'Sync', exact: true }).click();
      const listed = await memberIds(a);
      expect(listed).toContain(deviceId);
      expect(listed).not.toContain(strangerId);
      expect(await panel.getByText('written-by', { exact: false }).count()).toBe(0);
    } finally {
      child.stdin.end();
      child.kill();
    }
  }, 180_000);
});
