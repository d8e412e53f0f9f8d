// Drives the demo page (GET /, board name in the URL hash) through its data-testid attributes,
// as listed in docs/clients.md ("Demo page").

import assert from 'node:assert/strict';
import { newPage } from './browser.mjs';

export const WAIT_MS = 15_000;

/** A fresh board name per test run, so reruns against the same data dir never collide. */
export function boardName(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * Opens the demo page on `board` in a new browser context (its own localStorage, so its own
 * person), sets the person's name, and waits until the page is connected.
 */
export async function openBoard(browser, serverUrl, board, name) {
  const page = await newPage(browser, { name });
  await page.goto(`${serverUrl}/#${encodeURIComponent(board)}`);
  await waitForStatus(page, 'open');
  assert.equal(await page.getByTestId('doc-name').textContent(), board);
  await page.getByTestId('name-input').fill(name);
  return page;
}

export function status(page) {
  return page.getByTestId('status').getAttribute('data-status');
}

export async function waitForStatus(page, ...wanted) {
  const selector = wanted.map((s) => `[data-testid="status"][data-status="${s}"]`).join(', ');
  await page.locator(selector).waitFor({ state: 'attached', timeout: WAIT_MS });
}

export async function addCard(page, title) {
  await page.getByTestId('add-card-input').fill(title);
  await page.getByTestId('add-card-button').click();
}

/** The card element whose title is exactly `title`. */
export function card(page, title) {
  return page
    .getByTestId('card')
    .filter({ has: page.getByTestId('card-title').getByText(title, { exact: true }) });
}

export async function waitForCard(page, title) {
  await card(page, title).waitFor({ state: 'visible', timeout: WAIT_MS });
  return card(page, title);
}

export async function cardTitles(page) {
  return (await page.getByTestId('card-title').allTextContents()).map((t) => t.trim()).sort();
}

/** Polls until `probe()` returns a value for which `ok(value)` holds; returns it, or fails with the last one. */
export async function eventually(probe, ok, { timeout = WAIT_MS, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await probe();
    if (ok(last)) return last;
    if (Date.now() > deadline) {
      assert.fail(`timed out after ${timeout} ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** The presence list as [{name, self}] sorted by name. */
export async function presence(page) {
  const items = page.getByTestId('presence-item');
  const result = [];
  for (const item of await items.all()) {
    result.push({
      name: (await item.getByTestId('presence-name').textContent())?.trim(),
      self: (await item.getAttribute('data-self')) === 'true',
    });
  }
  return result.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Waits until the page shows exactly these people (self first, then the others). */
export async function waitForPresence(page, self, ...others) {
  const expected = [{ name: self, self: true }, ...others.map((name) => ({ name, self: false }))].sort((a, b) =>
    a.name < b.name ? -1 : 1,
  );
  await eventually(() => presence(page), (list) => JSON.stringify(list) === JSON.stringify(expected), {
    what: `presence ${JSON.stringify(expected)}`,
  });
  assert.equal(await page.getByTestId('presence-count').textContent(), String(expected.length));
}

export function problems(...pages) {
  return pages.flatMap((p) => p?.problems ?? []);
}
