// hookline.js across a failover, in Node with a scripted WebSocket: no browser, no server. What
// is tested is the client's own logic: the URL list taken in turn, and a re-open answered 4503
// (a cluster document still moving to a new owner) tried again without losing the document, its
// subscriptions or the writes made meanwhile. The real cluster failover is the Java client's
// ClusterClientFailoverIT (faults module).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

const source = await readFile(new URL('../../../server/src/main/resources/dev/hookline/server/web/hookline.js',
  import.meta.url), 'utf8');
const { Hookline } = await import('data:text/javascript,' + encodeURIComponent(source));

/** A WebSocket whose server is the test: every instance is recorded, frames sent are kept. */
function scriptedSockets() {
  const sockets = [];
  class Scripted {
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.sent = [];
      sockets.push(this);
    }
    send(text) { this.sent.push(JSON.parse(text)); }
    close(code = 1000, reason = '') { this.drop(code, reason); }
    // --- the test's side ---
    accept(conn) {
      this.readyState = 1;
      this.onopen?.();
      this.deliver({ type: 'welcome', protocol: 1, conn });
    }
    refuse() { this.readyState = 3; this.onerror?.(); this.onclose?.({ code: 1006, reason: '' }); }
    drop(code = 1006, reason = '') {
      if (this.readyState === 3) return;
      this.readyState = 3;
      this.onclose?.({ code, reason });
    }
    deliver(frame) { this.onmessage?.({ data: JSON.stringify(frame) }); }
    frames(type) { return this.sent.filter((f) => f.type === type); }
  }
  return { Scripted, sockets };
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition, what, ms = 2000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await tick(5);
  }
}

test('each connection attempt takes the next URL of the list, round it', async () => {
  const { Scripted, sockets } = scriptedSockets();
  const urls = ['ws://a/ws', 'ws://b/ws', 'ws://c/ws'];
  const client = new Hookline({ url: urls, WebSocket: Scripted, reconnect: { initialDelayMs: 1, maxDelayMs: 5 } });
  try {
    await until(() => sockets.length === 1, 'first attempt');
    assert.equal(sockets[0].url, 'ws://a/ws');
    sockets[0].accept('c1');
    await client.ready;
    assert.equal(client.url, 'ws://a/ws');
    sockets[0].drop(); // node a dies
    await until(() => sockets.length === 2, 'second attempt');
    sockets[1].refuse(); // b is down too
    await until(() => sockets.length === 3, 'third attempt');
    sockets[2].accept('c2');
    await until(() => client.status === 'open', 'open again');
    assert.equal(client.url, 'ws://c/ws');
    sockets[2].drop();
    await until(() => sockets.length === 4, 'fourth attempt');
    assert.deepEqual(sockets.map((s) => s.url), [...urls, 'ws://a/ws']);
  } finally {
    client.close();
  }
  // a single URL still works as before
  const single = scriptedSockets();
  const one = new Hookline({ url: 'ws://only/ws', WebSocket: single.Scripted });
  await until(() => single.sockets.length === 1, 'attempt');
  assert.equal(single.sockets[0].url, 'ws://only/ws');
  one.close();
  assert.throws(() => new Hookline({ url: [], WebSocket: single.Scripted }), /empty list/);
});

test('a re-open answered 4503 is tried again; the document, its subscription and the writes made meanwhile survive', async () => {
  const { Scripted, sockets } = scriptedSockets();
  const client = new Hookline({ url: ['ws://a/ws', 'ws://b/ws'], WebSocket: Scripted,
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 } });
  try {
    await until(() => sockets.length === 1, 'first attempt');
    const a = sockets[0];
    a.accept('a.c1');
    const opening = client.open('d');
    await until(() => a.frames('open').length === 1, 'open sent');
    a.deliver({ type: 'ack', id: a.frames('open')[0].id, doc: 'd', version: 3 });
    const doc = await opening;
    const closed = [];
    doc.on('closed', (e) => closed.push(e));
    const heard = [];
    doc.ref('').on((value, info) => heard.push({ value: structuredClone(value), info }));
    await until(() => a.frames('sub').length === 1, 'sub sent');
    const sub = a.frames('sub')[0];
    a.deliver({ type: 'ack', id: sub.id, doc: 'd', path: '', version: 3, resume: 'snapshot' });
    a.deliver({ type: 'snapshot', doc: 'd', sub: sub.id, version: 3, value: { x: 1 } });
    await until(() => heard.length === 1, 'first snapshot');

    a.drop(); // its node dies
    await until(() => sockets.length === 2, 'reconnect');
    const b = sockets[1];
    b.accept('b.c1');
    await until(() => b.frames('open').length === 1, 're-open sent');
    const written = doc.ref('y').set(2); // made while the re-open is unanswered: waits for it
    await tick(5);
    assert.equal(b.frames('set').length, 0, 'a write waits for the re-open');
    const refused = (f) => ({ type: 'error', id: f.id, doc: 'd', code: 4503, reason: 'document d is moving; try again shortly' });
    b.deliver(refused(b.frames('open')[0]));
    b.deliver({ ...refused(b.frames('sub')[0]), code: 4404, reason: 'document d is not open' });
    await until(() => b.frames('open').length === 2, 're-open tried again');
    assert.equal(doc.isOpen, true);
    assert.deepEqual(closed, []);
    assert.equal(b.frames('set').length, 0, 'still waiting');

    const reopen = b.frames('open')[1];
    b.deliver({ type: 'ack', id: reopen.id, doc: 'd', version: 5 });
    await until(() => b.frames('set').length === 1, 'the write sent after the re-open');
    const resub = b.frames('sub').at(-1);
    assert.equal(resub.since, 3, 'the subscription resumes from the version it saw');
    b.deliver({ type: 'ack', id: resub.id, doc: 'd', path: '', version: 5, resume: 'reset' });
    b.deliver({ type: 'snapshot', doc: 'd', sub: resub.id, version: 5, value: { x: 1, z: 9 }, reset: true });
    const set = b.frames('set')[0];
    b.deliver({ type: 'change', doc: 'd', version: 6, op: 'set', path: 'y', value: 2 });
    b.deliver({ type: 'ack', id: set.id, doc: 'd', version: 6 });
    assert.deepEqual(await written, { version: 6 });
    await until(() => heard.length === 3, 'reset and change heard');
    assert.equal(heard[1].info.reset, true);
    assert.deepEqual(heard[2].value, { x: 1, z: 9, y: 2 });
  } finally {
    client.close();
  }
});
