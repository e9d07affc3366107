import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SyncedApp } from './harness/sync-servers.ts';
import { twoDevicesForSuite } from './harness/two-devices-for-suite.ts';
import { acceptDeviceLinkAnswer, addNotebook, createVaultInUi } from './harness/app-flows.ts';

/**
 * Members converge (issue 13 §3): a device linked while the person's other device went offline
 * right after answering is in its own Members list, and both devices list the same members. The
 * device that answered (an owner, whose approval the person gave by comparing fingerprints,
 * granting it owner too) adds the new device to its notebooks when it answers, so nothing
 * waits for it to come back.
 */
const PASS_A = 'correct horse battery staple';
const PASS_B = 'a different passphrase here';
const NOTEBOOK = 'Converge notebook';

const memberRows = (page: Page) => page.getByRole('dialog').locator('.member-list li[data-device-id]');
const memberIds = async (page: Page) => (await memberRows(page).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-device-id') ?? ''))).sort();

describe('members converge: a device linked while the other went offline (built app, real relay)', () => {
  let server: SyncedApp;
  let a: Page;
  let b: Page;

  twoDevicesForSuite((opened) => ({ server, a, b } = opened));

  it('A answers B’s link, saying what B will be able to do and granting it owner: A lists B as its device in the notebook at once, then goes offline', async () => {
    await a.goto(server.url);
    await createVaultInUi(a, PASS_A);
    await addNotebook(a, NOTEBOOK);
    await b.goto(server.url);
    await b.getByRole('button', { name: 'Link to my other device' }).click();
    const request = await b.locator('#device-request-link').inputValue();
    await a.getByRole('button', { name: 'Sync', exact: true }).click();
    const panel = a.getByRole('dialog');
    await panel.getByRole('button', { name: 'Link a device' }).click();
    await panel.getByLabel('Link from the new device').fill(request);
    await panel.getByRole('button', { name: 'Continue' }).click();
    // What B will be able to do; owner only when asked for (off unless ticked).
    expect(await panel.getByTestId('link-grants').textContent()).toContain('read and write your notebooks');
    const owner = panel.getByLabel(/Also let it manage the notebooks you own/);
    expect(await owner.isChecked()).toBe(false);
    await owner.check();
    await panel.getByRole('button', { name: 'Yes, they match' }).click();
    const answer = await panel.locator('#device-answer').inputValue();
    await acceptDeviceLinkAnswer(b, answer);
    // Time for the relay to take what A wrote; then A is gone (laptop closed).
    await a.waitForTimeout(3000);
    await a.context().setOffline(true);
    await expect.poll(() => memberRows(a).filter({ hasText: 'your device' }).count(), { timeout: 15_000 }).toBe(1);
  });

  it('B finishes linking alone: it is in its own Members list, with A, as owner', async () => {
    await b.getByLabel('Passphrase', { exact: true }).fill(PASS_B);
    await b.getByLabel('Repeat passphrase').fill(PASS_B);
    await b.getByRole('button', { name: 'Link this device' }).click();
    await b.getByRole('button', { name: NOTEBOOK }).click({ timeout: 30_000 });
    await b.getByRole('button', { name: 'Sync', exact: true }).click();
    const self = memberRows(b).filter({ hasText: 'This device' });
    await expect.poll(() => self.count(), { timeout: 30_000 }).toBe(1);
    expect(await self.locator('.hint').textContent()).toMatch(/^owner/);
    await expect.poll(() => memberRows(b).filter({ hasText: 'your device' }).count(), { timeout: 30_000 }).toBe(1);
  });

  it('back online, A and B list the same members', async () => {
    await a.context().setOffline(false);
    const onB = await memberIds(b);
    expect(onB).toHaveLength(2);
    await expect.poll(() => memberIds(a), { timeout: 30_000 }).toEqual(onB);
  });
});
