// hookline.js used directly in a page of the server's origin: acks, errors, client hooks, keys.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HooklineServer } from './server.mjs';
import { launchChromium, newPage } from './browser.mjs';

describe('hookline.js client API in Chromium', () => {
  let server;
  let browser;
  let page;

  before(async () => {
    [server, browser] = await Promise.all([HooklineServer.start({ name: 'client-api' }), launchChromium()]);
    page = await newPage(browser, { name: 'api' });
    // A page of the server's own origin, without the demo's own client: /health is JSON.
    const response = await page.goto(`${server.url}/health`);
    assert.equal(response.status(), 200);
    await page.evaluate(async () => {
      const module = await import('/hookline.js');
      window.hl = { module, statuses: [], calls: [] };
    });
  }, { timeout: 90_000 });

  after(async () => {
    if (page?.problems?.length) console.log(page.problems.join('\n'));
    await browser?.close();
    await server?.dispose();
  }, { timeout: 60_000 });

  test('hookline.js is served as a JavaScript module', async () => {
    const response = await fetch(`${server.url}/hookline.js`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /javascript/);
    const exported = await page.evaluate(() => Object.keys(window.hl.module).sort());
    assert.ok(exported.includes('Hookline'), `exports: ${exported}`);
    assert.ok(exported.includes('HooklineError'), `exports: ${exported}`);
  });

  test('connects, opens a document and acks writes with their versions', async () => {
    const result = await page.evaluate(async (docName) => {
      const { Hookline } = window.hl.module;
      const client = new Hookline({ reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } });
      window.hl.client = client;
      client.on('status', (s) => window.hl.statuses.push(s));
      await client.ready;
      const doc = await client.open(docName);
      window.hl.doc = doc;
      const a = await doc.ref('a').set(1);
      const b = await doc.ref('b').merge({ x: 1, y: { z: 2 } });
      const c = await doc.ref('b/x').delete();
      const value = await doc.ref('').once();
      return { a, b, c, value, statuses: window.hl.statuses.slice() };
    }, `api-${Date.now()}`);
    assert.equal(typeof result.a.version, 'number');
    assert.equal(result.a.version, 1, 'first change of a new document is version 1');
    assert.equal(result.b.version, 2);
    assert.equal(result.c.version, 3);
    assert.deepEqual(result.value, { a: 1, b: { y: { z: 2 } } });
    assert.ok(result.statuses.includes('open'), `statuses: ${result.statuses}`);
  });

  test('rejected writes reject with HooklineError {code, reason}', async () => {
    const result = await page.evaluate(async () => {
      const { HooklineError } = window.hl.module;
      const doc = window.hl.doc;
      const outcome = async (promise) => {
        try {
          return { resolved: await promise };
        } catch (error) {
          return {
            isHooklineError: error instanceof HooklineError,
            isError: error instanceof Error,
            code: error?.code,
            reason: error?.reason,
          };
        }
      };
      await doc.ref('n').set(5);
      // Refused by the server: setting through a number.
      const through = await outcome(doc.ref('n/x').set(1));
      // merge takes an object (refused by the client or the server, 4400 either way).
      const mergeArray = await outcome(doc.ref('m').merge([1, 2]));
      // A document this client never opened (another connection's): 4404.
      const other = await outcome(
        (async () => {
          const { Hookline } = window.hl.module;
          const second = new Hookline({});
          await second.ready;
          const d = await second.open(`left-${Date.now()}`);
          await d.leave();
          try {
            return await d.ref('a').set(1);
          } finally {
            second.close();
          }
        })(),
      );
      const after = await doc.ref('').once();
      return { through, mergeArray, other, after };
    });
    assert.equal(result.through.isHooklineError, true, JSON.stringify(result.through));
    assert.equal(result.through.isError, true, 'HooklineError is an Error');
    assert.equal(result.through.code, 4400);
    assert.match(result.through.reason, /n\/x/);
    assert.equal(result.mergeArray.isHooklineError, true, JSON.stringify(result.mergeArray));
    assert.equal(result.mergeArray.code, 4400);
    assert.equal(result.other.isHooklineError, true, JSON.stringify(result.other));
    assert.equal(result.other.code, 4404, JSON.stringify(result.other));
    assert.equal(result.after.n, 5, 'the refused writes changed nothing');
    assert.equal(result.after.m, undefined);
  });

  test('client set hooks run by priority, rewrite value and path, and a throw drops the write', async () => {
    const result = await page.evaluate(async (docName) => {
      const { Hookline } = window.hl.module;
      const order = [];
      const client = new Hookline({
        hooks: [
          {
            // Registered first, runs last (lower priority): upper-cases what it gets.
            priority: 10,
            set(req) {
              order.push(`upper:${req.path}`);
              if (typeof req.value !== 'string') return null;
              return { ...req, value: req.value.toUpperCase() };
            },
          },
          {
            // Runs first (higher priority): appends a suffix, moves alias/* to real/*, vetoes "forbidden".
            priority: 200,
            set(req) {
              order.push(`suffix:${req.path}`);
              if (req.value === 'forbidden') throw new Error('no forbidden words');
              const path = req.path.startsWith('alias/') ? `real/${req.path.slice('alias/'.length)}` : req.path;
              if (typeof req.value !== 'string') return { ...req, path };
              return { ...req, path, value: `${req.value}-b` };
            },
          },
          {
            // Default priority (100), between the two; returns null: no change.
            set() {
              order.push('noop');
              return null;
            },
          },
        ],
      });
      await client.ready;
      const doc = await client.open(docName);
      const ack = await doc.ref('title').set('hello');
      await doc.ref('alias/x').set('moved');
      let dropped;
      try {
        await doc.ref('title').set('forbidden');
        dropped = { resolved: true };
      } catch (error) {
        dropped = { rejected: true, name: error?.name, message: String(error?.message ?? error) };
      }
      const value = await doc.ref('').once();
      client.close();
      return { ack, order, value, dropped };
    }, `hooks-${Date.now()}`);
    assert.equal(typeof result.ack.version, 'number');
    // priority 200 ("-b") before 10 (upper-case): "hello" → "hello-b" → "HELLO-B".
    assert.equal(result.value.title, 'HELLO-B', JSON.stringify(result));
    assert.deepEqual(result.value.real, { x: 'MOVED-B' }, 'path rewritten from alias/x to real/x');
    assert.equal(result.value.alias, undefined);
    assert.deepEqual(result.order.slice(0, 3), ['suffix:title', 'noop', 'upper:title'], JSON.stringify(result.order));
    assert.equal(result.dropped.rejected, true, 'a throwing set hook drops the write and rejects its promise');
    assert.equal(result.order.filter((o) => o === 'upper:title').length, 1, 'a throw short-circuits the later hooks');
  });

  test('ref.keys tracks added and removed keys; ref.on follows changes', async () => {
    await page.evaluate(async () => {
      const doc = window.hl.doc;
      window.hl.keys = null;
      window.hl.values = [];
      window.hl.offKeys = doc.ref('items').keys((keys) => (window.hl.keys = [...keys].sort()));
      window.hl.off = doc.ref('items').on((value, info) => window.hl.values.push({ value, info }));
    });
    const keysAre = (expected) =>
      page.waitForFunction((e) => JSON.stringify(window.hl.keys) === JSON.stringify(e), expected, { timeout: 10_000 });

    await page.evaluate(() => window.hl.doc.ref('items/a').set({ t: 'A' }));
    await keysAre(['a']);
    await page.evaluate(() => window.hl.doc.ref('items/b').set({ t: 'B' }));
    await keysAre(['a', 'b']);
    await page.evaluate(() => window.hl.doc.ref('items').merge({ c: { t: 'C' } }));
    await keysAre(['a', 'b', 'c']);
    await page.evaluate(() => window.hl.doc.ref('items/a').delete());
    await keysAre(['b', 'c']);
    // A change below an existing key does not change the keys.
    const { version } = await page.evaluate(() => window.hl.doc.ref('items/b/t').set('B2'));
    await page.waitForFunction(
      (v) => window.hl.values.some((e) => e.info?.version === v && e.value?.b?.t === 'B2'),
      version,
      { timeout: 10_000 },
    );
    const state = await page.evaluate(() => ({ keys: window.hl.keys, last: window.hl.values.at(-1) }));
    assert.deepEqual(state.keys, ['b', 'c']);
    assert.deepEqual(state.last.value, { b: { t: 'B2' }, c: { t: 'C' } });
    assert.equal(state.last.info.version, version);

    // Unsubscribing stops the callbacks.
    const counts = await page.evaluate(async () => {
      window.hl.offKeys();
      window.hl.off();
      const before = { keys: window.hl.keys, values: window.hl.values.length };
      await window.hl.doc.ref('items/d').set(1);
      await new Promise((r) => setTimeout(r, 300));
      return { before, after: { keys: window.hl.keys, values: window.hl.values.length } };
    });
    assert.deepEqual(counts.after, counts.before);
  });
});
