// The demo page survives a server restart: it reconnects, resumes, and the board kept by the
// bundled sqlite plugin is still there.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HooklineServer } from './server.mjs';
import { launchChromium } from './browser.mjs';
import {
  addCard, boardName, cardTitles, eventually, openBoard, problems, status, waitForCard, waitForPresence, waitForStatus,
} from './demo.mjs';

const sameTitles = (expected) => (titles) => JSON.stringify(titles) === JSON.stringify([...expected].sort());

describe('demo board across a server restart', () => {
  let server;
  let browser;
  const pages = [];

  before(async () => {
    [server, browser] = await Promise.all([HooklineServer.start({ name: 'demo-restart' }), launchChromium()]);
  }, { timeout: 90_000 });

  after(async () => {
    // Reconnect attempts while the server is down log failed WebSocket connections: expected.
    const seen = problems(...pages).filter((p) => !/WebSocket connection to .* failed/.test(p));
    if (seen.length) console.log(seen.join('\n'));
    await browser?.close();
    await server?.dispose();
  }, { timeout: 60_000 });

  test('pages reconnect after SIGTERM and a restart on the same port and data dir; cards persist', async (t) => {
    const board = boardName('restart');
    const pageA = await openBoard(browser, server.url, board, 'Ann');
    const pageB = await openBoard(browser, server.url, board, 'Bob');
    pages.push(pageA, pageB);
    await waitForPresence(pageA, 'Ann', 'Bob');

    await addCard(pageA, 'Card from Ann');
    await addCard(pageB, 'Card from Bob');
    const before = ['Card from Ann', 'Card from Bob'];
    await eventually(() => cardTitles(pageA), sameTitles(before), { what: 'A shows both cards' });
    await eventually(() => cardTitles(pageB), sameTitles(before), { what: 'B shows both cards' });

    // Stop: SIGTERM, the server says goodbye (1001) and stores the board; the pages notice.
    const exit = await server.stop();
    t.diagnostic(`server exit after SIGTERM: ${JSON.stringify(exit)}`);
    assert.notEqual(exit?.signal, 'SIGKILL');
    await waitForStatus(pageA, 'connecting', 'closed');
    await waitForStatus(pageB, 'connecting', 'closed');
    // Down is down: nothing reconnects to a stopped server.
    await new Promise((r) => setTimeout(r, 500));
    assert.notEqual(await status(pageA), 'open');

    // Same port, same data dir: both pages reconnect on their own.
    await server.restart();
    await waitForStatus(pageA, 'open');
    await waitForStatus(pageB, 'open');
    // What they showed before the restart is still there (no reset to an empty board).
    await eventually(() => cardTitles(pageA), sameTitles(before), { what: 'A still shows the cards after resuming' });
    await eventually(() => cardTitles(pageB), sameTitles(before), { what: 'B still shows the cards after resuming' });

    // The resumed subscriptions are live: B's new card reaches A.
    await addCard(pageB, 'Card after restart');
    await waitForCard(pageA, 'Card after restart');
    const all = [...before, 'Card after restart'];
    await eventually(() => cardTitles(pageA), sameTitles(all), { what: 'A shows every card' });

    // Presence is re-sent on resume.
    await waitForPresence(pageA, 'Ann', 'Bob');
    await waitForPresence(pageB, 'Bob', 'Ann');

    // A newcomer has no cache: what it sees came from the restarted server, i.e. from sqlite.
    const pageC = await openBoard(browser, server.url, board, 'Cid');
    pages.push(pageC);
    await eventually(() => cardTitles(pageC), sameTitles(all), { what: 'a new page shows the stored cards' });
    await waitForPresence(pageA, 'Ann', 'Bob', 'Cid');
  });
});
