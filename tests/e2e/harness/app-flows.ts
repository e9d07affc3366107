import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/** On the first-run screen: types the passphrase twice and asks for the vault. */
export async function submitNewVault(page: Page, passphrase: string): Promise<void> {
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByLabel('Repeat passphrase').fill(passphrase);
  await page.getByRole('button', { name: 'Create vault' }).click();
}

/** First run from the setup screen: creates the vault and confirms the recovery key was saved. */
export async function createVaultInUi(page: Page, passphrase: string): Promise<void> {
  await submitNewVault(page, passphrase);
  await page.getByLabel('I saved my recovery key somewhere safe').check();
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** A new device on the first-run screen asks to be linked: returns the link it shows for the other device. */
export async function requestDeviceLink(page: Page, baseUrl: string): Promise<string> {
  await page.goto(baseUrl);
  await page.getByRole('button', { name: 'Link to my other device' }).click();
  return page.locator('#device-request-link').inputValue();
}

/** In a device's open Sync panel: answers a new device's link request, the digits matching, and returns the answer link. */
export async function answerDeviceLink(panel: Locator, request: string): Promise<string> {
  await panel.getByRole('button', { name: 'Link a device' }).click();
  await panel.getByLabel('Link from the new device').fill(request);
  await panel.getByRole('button', { name: 'Continue' }).click();
  await panel.getByRole('button', { name: 'Yes, they match' }).click();
  return panel.locator('#device-answer').inputValue();
}

/** On the new device's link screen: pastes the answer and confirms the check code. */
export async function acceptDeviceLinkAnswer(page: Page, answer: string): Promise<void> {
  await page.getByLabel('Answer from your other device').fill(answer);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Yes, it matches' }).click();
}

/** The new device, given the answer: checks the code and types its own passphrase; "Link this device" is left to the caller. */
export async function fillDeviceLinkAnswer(page: Page, answer: string, passphrase: string): Promise<void> {
  await acceptDeviceLinkAnswer(page, answer);
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByLabel('Repeat passphrase').fill(passphrase);
}

/** On the notebooks screen: makes a notebook (which then opens). */
export async function addNotebook(page: Page, name: string): Promise<void> {
  await page.getByPlaceholder('New notebook').fill(name);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
}

/** Drops a file on the notes pane the way a browser does: a drop event carrying a DataTransfer. */
export async function dropFile(page: Page, name: string, mime: string, bytes: Buffer): Promise<void> {
  await page.evaluate(
    ({ name, mime, base64 }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name, { type: mime }));
      const target = document.querySelector('section[aria-label="Notes"]');
      if (!target) throw new Error('no notes pane');
      target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: transfer }));
      target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
    },
    { name, mime, base64: bytes.toString('base64') },
  );
}

/** How many thumbnails of the notes grid have decoded. */
export async function thumbnailsShown(page: Page): Promise<number> {
  return page.locator('.note-list .thumb img').evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length);
}

/** Types a query into the search box and waits for the debounced results: the titles found, in order. */
export async function searchTitles(page: Page, query: string): Promise<string[]> {
  await page.getByLabel('Search notes', { exact: true }).fill(query);
  const results = page.locator('.search-results');
  await expect.poll(() => results.getAttribute('data-query')).toBe(query);
  return results.locator(':scope > ul > li[data-note-title]').evaluateAll((items) => items.map((li) => li.getAttribute('data-note-title') ?? ''));
}

/** From the notes screen to Settings. */
export async function openSettings(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
}

/** From Settings back to the notes screen. */
export async function backToNotes(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Back to notebooks' }).click();
  await page.getByRole('button', { name: 'Import photos' }).waitFor();
}
