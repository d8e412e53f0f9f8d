// Launches the operating system's Chromium (Debian's /usr/bin/chromium) through playwright-core.
// Nothing is ever downloaded: playwright-core has no browsers of its own, and the executable is
// given explicitly. Playwright gives every launch() a fresh temporary profile (--user-data-dir),
// deleted when the browser closes; it refuses a --user-data-dir in args for launch().

import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.HOOKLINE_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: run clients/browser-tests/scripts/setup.sh (installs Debian's chromium as root).`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
}

/**
 * A new isolated context + page. Console errors and page errors are collected on page.problems
 * so that a test can print them when it fails.
 */
export async function newPage(browser, { name = 'page' } = {}) {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (error) => page.problems.push(`[${name}] pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location()?.url ?? '';
    if (where.endsWith('/favicon.ico')) return; // the browser asks for one; the server has none
    page.problems.push(`[${name}] console.error: ${message.text()}${where ? ` (${where})` : ''}`);
  });
  return page;
}
