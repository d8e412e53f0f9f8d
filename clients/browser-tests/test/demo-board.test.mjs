// Two people (two browser contexts) on the same board of the demo page.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HooklineServer } from './server.mjs';
import { launchChromium } from './browser.mjs';
import {
  WAIT_MS, addCard, boardName, card, cardTitles, eventually, openBoard, problems, waitForCard, waitForPresence,
} from './demo.mjs';

describe('demo board in two browsers', () => {
  let server;
  let browser;
  let pageA;
  let pageB;

  before(async () => {
    [server, browser] = await Promise.all([HooklineServer.start({ name: 'demo-board' }), launchChromium()]);
  }, { timeout: 90_000 });

  after(async () => {
    const seen = problems(pageA, pageB);
    if (seen.length) console.log(seen.join('\n'));
    await browser?.close();
    await server?.dispose();
  }, { timeout: 60_000 });

  test('a card added in A shows in B, an edit in B shows in A, both see each other', async () => {
    const board = boardName('board');
    pageA = await openBoard(browser, server.url, board, 'Ann');
    pageB = await openBoard(browser, server.url, board, 'Bob');

    // Presence: each page lists itself and the other one.
    await waitForPresence(pageA, 'Ann', 'Bob');
    await waitForPresence(pageB, 'Bob', 'Ann');

    // A adds a card; B sees it, with its author.
    await addCard(pageA, 'Write the browser tests');
    await waitForCard(pageA, 'Write the browser tests');
    const cardInB = await waitForCard(pageB, 'Write the browser tests');
    assert.match(await cardInB.getByTestId('card-author').textContent(), /Ann/);
    const id = await cardInB.getAttribute('data-card-id');
    assert.ok(id, 'cards carry their id');
    assert.equal(await card(pageA, 'Write the browser tests').getAttribute('data-card-id'), id);

    // B edits the title: while B's editor is open, A sees who is editing it.
    await cardInB.getByTestId('card-title').click();
    const input = pageB.getByTestId('card-title-input');
    await input.waitFor({ state: 'visible', timeout: WAIT_MS });
    const editorTagInA = pageA.locator(`[data-testid="card"][data-card-id="${id}"] [data-testid="card-editor"]`);
    await editorTagInA.waitFor({ state: 'visible', timeout: WAIT_MS });
    assert.match(await editorTagInA.textContent(), /Bob/);
    await input.fill('Browser tests written');
    await input.press('Enter');

    // A shows the edit, on the same card; nobody is editing any more.
    await waitForCard(pageA, 'Browser tests written');
    assert.equal(await card(pageA, 'Browser tests written').getAttribute('data-card-id'), id);
    await editorTagInA.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await eventually(() => cardTitles(pageB), (t) => JSON.stringify(t) === '["Browser tests written"]', {
      what: 'B shows its own edit once',
    });
    assert.deepEqual(await cardTitles(pageA), ['Browser tests written']);

    // Still two people on each page.
    await waitForPresence(pageA, 'Ann', 'Bob');
    await waitForPresence(pageB, 'Bob', 'Ann');
    assert.deepEqual(problems(pageA, pageB), [], 'no page errors');
  });
});
