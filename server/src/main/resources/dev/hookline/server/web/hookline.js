/**
 * hookline.js — the Hookline browser client. One ES module, no dependencies.
 *
 * Speaks the Hookline protocol v1 (docs/protocol.md) over one WebSocket: open documents with a
 * token, subscribe to paths (values or child keys), write with acknowledgements, presence,
 * stateless messages, token refresh. Reconnects with exponential backoff and full jitter, then
 * re-opens every document and resumes every subscription from the last version it saw (replayed
 * changes, or a reset snapshot: never a stale cache). Client hooks (set, delete, firstConnect,
 * reconnect, serverDisconnectMessage, disconnect, heartbeat) run with the server's rules:
 * higher priority first, a returned object rewrites the payload, a thrown `Stop` ends the chain.
 *
 * ```js
 * import { Hookline } from '/hookline.js';
 * const client = new Hookline();
 * const doc = await client.open('board', { token: 'abc' });
 * doc.ref('cards').on((cards, info) => render(cards));
 * await doc.ref('cards/1').set({ title: 'Hello' });
 * ```
 *
 * Values handed to listeners are plain JSON (objects, arrays, strings, numbers, booleans, null)
 * shared with the client's cache: treat them as read-only.
 *
 * @module hookline
 */

/** The protocol version this client speaks. */
export const PROTOCOL = 1;

/**
 * A refusal from the server (an `error` frame, a `closed` frame) or a lost connection.
 * `code` follows docs/protocol.md §4 (4400 bad request, 4401, 4403, 4404, ...); a request that was
 * in flight when the connection dropped is rejected with the close code (1006 when unknown).
 */
export class HooklineError extends Error {
  /**
   * @param {number} code the protocol's error or close code
   * @param {string} reason human-readable, not meant to be parsed
   */
  constructor(code, reason) {
    super(`${code} ${reason}`);
    this.name = 'HooklineError';
    /** @type {number} */
    this.code = code;
    /** @type {string} */
    this.reason = reason;
  }
}

/**
 * Throw it from a client hook to end the hook chain successfully: later hooks do not run and the
 * payload stays as it was when the hook was called.
 */
export class Stop extends Error {
  constructor(message = 'stop') {
    super(message);
    this.name = 'Stop';
  }
}

// ---------------------------------------------------------------------------------------------
// Paths and JSON trees

const own = (object, key) => Object.prototype.hasOwnProperty.call(object, key);
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Canonical form of a path: one leading and one trailing `/` dropped; `null`/`undefined` = root. */
function canonical(path) {
  let p = path == null ? '' : String(path);
  if (p.startsWith('/')) p = p.slice(1);
  if (p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

const segmentsOf = (path) => (path === '' ? [] : path.split('/'));

/** Whether `prefix` is `path` or an ancestor of it, by whole segments. */
function startsWith(path, prefix) {
  return prefix.length <= path.length && prefix.every((s, i) => path[i] === s);
}

/** Sets `key` as a plain data property (even "__proto__", which JSON may hold). */
function define(object, key, value) {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  return object;
}

/** A copy of `object` with `key` set to `value`. */
const withKey = (object, key, value) => define({ ...object }, key, value);

function withoutKey(object, key) {
  const copy = { ...object };
  delete copy[key];
  return copy;
}

/** The node at `segs` below `value`, `undefined` when there is none. */
function getIn(value, segs) {
  let node = value;
  for (const s of segs) {
    if (!isObject(node) || !own(node, s)) return undefined;
    node = node[s];
  }
  return node;
}

/** `value` with the node at `segs` replaced by `replacement`, missing parent objects created. */
function setIn(value, segs, replacement) {
  if (segs.length === 0) return replacement;
  const base = isObject(value) ? value : {};
  const [key, ...rest] = segs;
  return withKey(base, key, setIn(own(base, key) ? base[key] : undefined, rest, replacement));
}

/** `value` without the node at `segs` (unchanged when there is none). */
function deleteIn(value, segs) {
  if (segs.length === 0) return undefined;
  if (!isObject(value) || !own(value, segs[0])) return value;
  const [key, ...rest] = segs;
  if (rest.length === 0) return withoutKey(value, key);
  const child = deleteIn(value[key], rest);
  return child === value[key] ? value : withKey(value, key, child);
}

/** docs/protocol.md merge: objects merge recursively, any other new value replaces the old one. */
function deepMerge(target, patch) {
  const result = isObject(target) ? { ...target } : {};
  for (const key of Object.keys(patch)) {
    const next = patch[key];
    const old = own(result, key) ? result[key] : undefined;
    define(result, key, isObject(next) && isObject(old) ? deepMerge(old, next) : next);
  }
  return result;
}

/**
 * The value at subscription path `sub` after the change `op` at path `at` (both segment arrays,
 * one a prefix of the other), given its value before (`undefined` = absent).
 */
function applyChange(before, sub, at, op, value) {
  if (startsWith(sub, at)) { // the change is at the subscribed node or above it
    const rel = sub.slice(at.length);
    if (op === 'delete') return undefined;
    if (op === 'set') return getIn(value, rel);
    // merge at an ancestor (or at the node): follow the patch down to the node
    let node = value;
    for (const s of rel) {
      if (!isObject(node)) return undefined; // an ancestor replaced by a non-object
      if (!own(node, s)) return before; // the patch does not reach the node
      node = node[s];
    }
    return isObject(before) && isObject(node) ? deepMerge(before, node) : node;
  }
  const rel = at.slice(sub.length); // the change is below the subscribed node
  if (op === 'delete') return deleteIn(before, rel);
  if (op === 'set') return setIn(before, rel, value);
  const target = getIn(before, rel);
  return setIn(before, rel, deepMerge(isObject(target) ? target : {}, value));
}

/**
 * Runs a rewriting client hook chain (set, delete, heartbeat): higher priority first; a returned
 * object replaces the payload for the next hook and the client; `Stop` ends the chain keeping the
 * current payload; any other throw propagates.
 */
function runChain(hooks, name, payload) {
  for (const hook of hooks) {
    if (typeof hook[name] !== 'function') continue;
    try {
      const result = hook[name](payload);
      if (result != null) payload = result;
    } catch (e) {
      if (e instanceof Stop) break;
      throw e;
    }
  }
  return payload;
}

/** Runs a notification chain (firstConnect, reconnect, ...): `Stop` ends it, another throw is logged and ends it. */
function notifyChain(hooks, name, ...args) {
  for (const hook of hooks) {
    if (typeof hook[name] !== 'function') continue;
    try {
      hook[name](...args);
    } catch (e) {
      if (!(e instanceof Stop)) console.error(`hookline: ${name} hook threw`, e);
      return;
    }
  }
}

function safely(what, fn, ...args) {
  try {
    fn(...args);
  } catch (e) {
    console.error(`hookline: ${what} threw`, e);
  }
}

// ---------------------------------------------------------------------------------------------
// The client

/**
 * @typedef {object} ClientHook
 * @property {number} [priority] higher runs first (default 100); ties in registration order
 * @property {(req: {document: string, operation: 'set'|'merge', path: string, value: any, meta: any}) => object|null|void} [set]
 *   before a set or merge is sent: return a rewritten request (path, value, meta) or null; a throw
 *   (other than `Stop`) drops the write and rejects its promise with what was thrown
 * @property {(req: {document: string, path: string}) => object|null|void} [delete] before a delete is sent
 * @property {() => void} [firstConnect] after the first welcome
 * @property {(attempts: number) => void} [reconnect] after a reconnection's welcome, before documents are resumed
 * @property {(goodbye: {code: number, reason: string}) => void} [serverDisconnectMessage] the server's goodbye
 * @property {(code: number, reason: string) => void} [disconnect] after a connection that was open closed
 * @property {(hb: {ping: any, pong: any}) => object|null|void} [heartbeat] for each ping:
 *   return `{...hb, pong: X}` to answer with X
 */

/**
 * @typedef {object} HooklineOptions
 * @property {string|string[]} [url] WebSocket URL; default `ws(s)://<page host>/ws`. A path (`/ws`) is
 *   resolved against the page. Several URLs (the nodes of a cluster): the first connection goes
 *   to the first, and every later attempt (after a lost connection or a failed attempt) to the
 *   next one, round the list, so a client whose node died reconnects to another by itself
 * @property {ClientHook[]} [hooks]
 * @property {{initialDelayMs?: number, maxDelayMs?: number}} [reconnect] backoff: the n-th retry
 *   waits a random time in [0, min(maxDelayMs, initialDelayMs * 2^n)) (defaults 250 and 10000)
 * @property {typeof WebSocket} [WebSocket] a WebSocket implementation (for Node, tests)
 */

/**
 * A connection to a Hookline server. Connects at once and reconnects on its own until
 * {@link Hookline#close}. Events (`on`): `'status'` ('connecting' | 'open' | 'closed'),
 * `'error'` (a {@link HooklineError} nobody was waiting for, e.g. an error frame with `id: null`).
 */
export class Hookline {
  /** @param {HooklineOptions} [options] */
  constructor(options = {}) {
    this._urls = Array.isArray(options.url) ? [...options.url] : [options.url];
    if (this._urls.length === 0) throw new Error('hookline: "url" is an empty list');
    this._nextUrl = 0; // index of the URL of the next connection attempt
    /** The URL of the current connection, or of the attempt under way. */
    this.url = null;
    this._WebSocket = options.WebSocket;
    this._initialDelay = options.reconnect?.initialDelayMs ?? 250;
    this._maxDelay = options.reconnect?.maxDelayMs ?? 10000;
    this._hooks = [...(options.hooks ?? [])].sort((a, b) => (b.priority ?? 100) - (a.priority ?? 100));
    this._events = new Map();
    /** @type {'connecting'|'open'|'closed'} */
    this._status = 'connecting';
    this._ws = null;
    this._welcomed = false; // the current socket got its welcome
    this._everWelcomed = false;
    this._attempts = 0; // connection attempts since the last welcome
    this._timer = null;
    this._closedByUser = false;
    this._nextId = 1;
    this._pending = new Map(); // id → request record, sent or waiting in the outbox
    this._outbox = []; // records waiting for a welcomed connection
    this._docs = new Map(); // name → Doc (opening or open)
    /** This connection's id (`welcome.conn`), as other members' presence maps name it. */
    this.connectionId = null;
    /** Resolves on the first welcome; rejects if the client is closed before. */
    this.ready = new Promise((resolve, reject) => { this._readyResolve = resolve; this._readyReject = reject; });
    this.ready.catch(() => {});
    queueMicrotask(() => this._connect());
  }

  /** The connection status: 'connecting', 'open' (welcomed) or 'closed'. */
  get status() {
    return this._status;
  }

  /**
   * Listens to a client event (`'status'`, `'error'`).
   * @param {'status'|'error'} event
   * @param {Function} listener
   * @returns {() => void} removes the listener
   */
  on(event, listener) {
    if (!this._events.has(event)) this._events.set(event, new Set());
    this._events.get(event).add(listener);
    return () => this._events.get(event)?.delete(listener);
  }

  /**
   * Opens (joins) a document. Opening a document that is already open or opening returns the
   * same document.
   * @param {string} name the document name
   * @param {{token?: string}} [options] credentials for this document (`onAuthenticate`)
   * @returns {Promise<Doc>} rejects with a {@link HooklineError} (e.g. 4401, 4404)
   */
  open(name, options = {}) {
    if (this._closedByUser) return Promise.reject(new HooklineError(1000, 'the client is closed'));
    const existing = this._docs.get(name);
    if (existing) return existing._opened;
    const doc = new Doc(this, name, options.token ?? '');
    this._docs.set(name, doc);
    if (this._welcomed) this._sendOpen(doc);
    return doc._opened;
  }

  /** Closes the connection for good (code 1000): no reconnect; requests in flight are rejected. */
  close() {
    if (this._closedByUser) return;
    this._closedByUser = true;
    clearTimeout(this._timer);
    const error = new HooklineError(1000, 'the client is closed');
    this._readyReject(error);
    for (const record of this._pending.values()) record.reject(error);
    this._pending.clear();
    this._outbox = [];
    for (const doc of this._docs.values()) doc._end(error, false);
    this._docs.clear();
    const ws = this._ws;
    this._welcomed = false;
    if (ws && ws.readyState <= 1) {
      try { ws.close(1000, 'client closed'); } catch { /* already closing */ }
    } else {
      this._ws = null;
    }
    this._setStatus('closed');
  }

  // --- connection ---

  _emit(event, ...args) {
    const listeners = [...(this._events.get(event) ?? [])];
    if (event === 'error' && listeners.length === 0) console.warn('hookline:', ...args);
    for (const listener of listeners) safely(`${event} listener`, listener, ...args);
  }

  _setStatus(status) {
    if (this._status === status) return;
    this._status = status;
    this._emit('status', status);
  }

  _resolveUrl(url) {
    if (url && !url.startsWith('/')) return url;
    if (typeof location === 'undefined') throw new Error('hookline: no "url" given and no page location to derive it from');
    return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${url ?? '/ws'}`;
  }

  _connect() {
    if (this._closedByUser) return;
    this._timer = null;
    const Impl = this._WebSocket ?? globalThis.WebSocket;
    let ws;
    try {
      if (typeof Impl !== 'function') throw new Error('hookline: no WebSocket; pass one as the "WebSocket" option');
      this._setStatus('connecting');
      this._attempts++;
      const url = this._resolveUrl(this._urls[this._nextUrl]);
      this._nextUrl = (this._nextUrl + 1) % this._urls.length;
      this.url = url;
      ws = new Impl(url);
    } catch (e) { // a bad URL or no WebSocket: retrying will not help
      this._setStatus('closed');
      this._emit('error', e);
      this._readyReject(e);
      return;
    }
    this._ws = ws;
    let opened = false;
    ws.onopen = () => { opened = true; };
    ws.onmessage = (event) => { if (this._ws === ws) this._onText(event.data); };
    ws.onerror = () => {
      // Browsers follow with a close event; some implementations (Node 20's) do not when the
      // connection could not be made, so a failed attempt is handled here.
      if (opened || this._ws !== ws) return;
      this._onClose(1006, '', false); // first: a close event fired by ws.close() is then ignored
      try { ws.close(); } catch { /* not open */ }
    };
    ws.onclose = (event) => {
      if (this._ws !== ws) return;
      this._onClose(event.code || 1006, event.reason || '', opened);
    };
  }

  _onClose(code, reason, opened) {
    this._ws = null;
    this._welcomed = false;
    const lost = new HooklineError(code, `connection closed before the answer${reason ? ': ' + reason : ''}`);
    for (const [id, record] of this._pending) {
      if (!record.sent) continue; // still in the outbox: sent after the next welcome
      this._pending.delete(id);
      if (record.kind === 'open' || record.kind === 'sub') continue; // redone when resuming
      if (record.kind === 'leave' || record.kind === 'unsub' || record.kind === 'presence') {
        record.resolve({}); // the server forgot us anyway; presence is re-sent on resume
      } else {
        record.reject(lost);
      }
    }
    for (const doc of this._docs.values()) doc._disconnected();
    if (opened) notifyChain(this._hooks, 'disconnect', code, reason);
    this._setStatus('closed');
    if (this._closedByUser) return;
    const n = Math.max(0, this._attempts - 1);
    const cap = code === 4401 || code === 4403 ? this._maxDelay // do not hammer a refusal
      : Math.min(this._maxDelay, this._initialDelay * 2 ** Math.min(n, 30));
    clearTimeout(this._timer);
    this._timer = setTimeout(() => this._connect(), Math.random() * cap); // full jitter
  }

  _onText(data) {
    let frame;
    try {
      frame = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      this._emit('error', new HooklineError(4400, 'unreadable frame from the server'));
      return;
    }
    if (!isObject(frame)) return;
    switch (frame.type) {
      case 'welcome': return this._onWelcome(frame);
      case 'ack': return this._answer(frame, null);
      case 'error': {
        const error = new HooklineError(frame.code, frame.reason ?? '');
        if (frame.id == null || !this._pending.has(frame.id)) this._emit('error', error);
        else this._answer(frame, error);
        return;
      }
      case 'ping': return this._onPing(frame);
      case 'goodbye':
        return notifyChain(this._hooks, 'serverDisconnectMessage', { code: frame.code, reason: frame.reason ?? '' });
      default: {
        const doc = typeof frame.doc === 'string' ? this._docs.get(frame.doc) : undefined;
        if (doc) doc._onFrame(frame);
      }
    }
  }

  _onWelcome(frame) {
    if (frame.protocol !== PROTOCOL) console.warn(`hookline: server speaks protocol ${frame.protocol}, this client ${PROTOCOL}`);
    this.connectionId = frame.conn;
    this._welcomed = true;
    const attempts = this._attempts;
    this._attempts = 0;
    const first = !this._everWelcomed;
    this._everWelcomed = true;
    if (first) notifyChain(this._hooks, 'firstConnect');
    else notifyChain(this._hooks, 'reconnect', attempts);
    this._setStatus('open');
    if (first) this._readyResolve(this);
    for (const doc of this._docs.values()) {
      doc._waiting ??= []; // a document's requests go once it is open again (the open may be answered 4503)
      this._sendOpen(doc); // re-open and resume
    }
    const outbox = this._outbox;
    this._outbox = [];
    for (const record of outbox) {
      const doc = this._heldBy(record);
      if (doc) doc._waiting.push(record);
      else this._transmit(record);
    }
  }

  _onPing(frame) {
    let hb = { ping: frame.payload ?? null, pong: frame.payload ?? null };
    try {
      hb = runChain(this._hooks, 'heartbeat', hb);
    } catch (e) {
      console.error('hookline: heartbeat hook threw', e);
    }
    this._sendFrame({ type: 'pong', payload: hb.pong ?? null });
  }

  _sendFrame(frame) {
    if (!this._ws || this._ws.readyState !== 1) return false;
    this._ws.send(JSON.stringify(frame));
    return true;
  }

  /** Sends a request with a fresh id now, or after the next welcome. Resolves with the ack. */
  _request(frame, kind, extra = {}) {
    return new Promise((resolve, reject) => {
      const id = extra.id ?? this._nextId++;
      const record = { frame: { type: frame.type, id, ...frame }, kind, resolve, reject, sent: false, ...extra };
      this._pending.set(id, record);
      const doc = this._heldBy(record);
      if (doc) doc._waiting.push(record);
      else if (this._welcomed) this._transmit(record);
      else this._outbox.push(record);
    });
  }

  /** The document whose re-open this request waits for, if any: its writes go once it is open. */
  _heldBy(record) {
    if (record.kind === 'open' || record.kind === 'sub' || record.frame.doc == null) return undefined;
    const doc = this._docs.get(record.frame.doc);
    return doc?._waiting ? doc : undefined;
  }

  _transmit(record) {
    record.sent = this._sendFrame(record.frame);
    if (!record.sent) this._outbox.push(record);
  }

  _answer(frame, error) {
    const record = this._pending.get(frame.id);
    if (!record) return;
    this._pending.delete(frame.id);
    if (record.onAnswer) record.onAnswer(frame, error);
    if (error) record.reject(error);
    else record.resolve(frame);
  }

  /** Drops queued requests of a document that ended. */
  _dropQueued(doc, error) {
    this._outbox = this._outbox.filter((record) => {
      if (record.frame.doc !== doc.name) return true;
      this._pending.delete(record.frame.id);
      record.reject(error);
      return false;
    });
  }

  _sendOpen(doc) {
    const opening = doc._state === 'opening';
    doc._live = true;
    doc._openGen++;
    doc.presence._incoming = new Map();
    const frame = { type: 'open', doc: doc.name };
    if (doc._token) frame.token = doc._token;
    this._request(frame, 'open', { onAnswer: (ack, error) => doc._onOpenAnswer(ack, error, opening) }).catch(() => {});
    for (const sub of doc._subs.values()) doc._sendSub(sub);
    if (doc.presence._state != null) this._sendFrame({ type: 'presence', doc: doc.name, state: doc.presence._state });
  }
}

// ---------------------------------------------------------------------------------------------
// Documents, refs, subscriptions

/**
 * An open document. Get one from {@link Hookline#open}.
 * Events (`on`): `'closed'` with a {@link HooklineError} when the server ended this document
 * session (a refused token, a failed re-open after a reconnect).
 */
export class Doc {
  constructor(client, name, token) {
    this._client = client;
    /** The document name. */
    this.name = name;
    this._token = token;
    this._state = 'opening'; // 'opening' | 'open' | 'closed'
    this._live = false; // the open frame went out on the current socket
    this._openGen = 0; // open frames sent; a sub remembers the one it followed
    this._unavailableGen = -1; // the last open answered 4503
    this._waiting = null; // requests held until a re-open is acknowledged (tried again while answered 4503)
    this._reopenTimer = null;
    this._reopenTries = 0;
    /** The document version at the last open ack. */
    this.version = -1;
    this._subs = new Map(); // "v:path" / "k:path" → Sub
    this._subsById = new Map();
    this._replay = null; // {sub, to}: the change frames ≤ to that follow a "replay" ack are that sub's
    this._events = new Map();
    /** This connection's presence in the document, and the other members'. */
    this.presence = new Presence(this);
    /** Stateless messages to and from the other members. */
    this.stateless = new Stateless(this);
    this._opened = new Promise((resolve, reject) => { this._openResolve = resolve; this._openReject = reject; });
  }

  /** Whether the document is open (false once left or closed by the server). */
  get isOpen() {
    return this._state !== 'closed';
  }

  /**
   * A reference to the node at a path of this document.
   * @param {string} [path] `/`-separated keys; `''` (default) is the root
   * @returns {Ref}
   */
  ref(path = '') {
    return new Ref(this, canonical(path));
  }

  /**
   * Listens to a document event (`'closed'`).
   * @returns {() => void} removes the listener
   */
  on(event, listener) {
    if (!this._events.has(event)) this._events.set(event, new Set());
    this._events.get(event).add(listener);
    return () => this._events.get(event)?.delete(listener);
  }

  /**
   * Sends a fresh token for this document (`onTokenSync`). A refused token rejects with 4401 and
   * ends the document session (a `'closed'` event follows).
   * @param {string} token
   * @returns {Promise<void>}
   */
  async refreshToken(token) {
    await this._request({ type: 'token', doc: this.name, token }, 'token');
    this._token = token;
  }

  /**
   * Leaves the document: its subscriptions end, its presence is cleared for the others.
   * @returns {Promise<void>}
   */
  async leave() {
    if (this._state === 'closed') return;
    const live = this._live && this._client._welcomed;
    this._end(new HooklineError(4404, `document ${this.name} was left`), false);
    if (live) await this._client._request({ type: 'leave', doc: this.name }, 'leave');
  }

  // --- internals ---

  _request(frame, kind) {
    if (this._state === 'closed') return Promise.reject(new HooklineError(4404, `document ${this.name} is not open`));
    return this._client._request(frame, kind);
  }

  _emit(event, ...args) {
    for (const listener of [...(this._events.get(event) ?? [])]) safely(`${event} listener`, listener, ...args);
  }

  /** Ends the document session on the client side. */
  _end(error, notify) {
    if (this._state === 'closed') return;
    const wasOpening = this._state === 'opening';
    this._state = 'closed';
    this._live = false;
    clearTimeout(this._reopenTimer);
    if (this._client._docs.get(this.name) === this) this._client._docs.delete(this.name);
    this._client._dropQueued(this, error);
    for (const record of this._waiting ?? []) {
      this._client._pending.delete(record.frame.id);
      record.reject(error);
    }
    this._waiting = null;
    for (const sub of this._subs.values()) sub._failed(error, notify);
    this._subs.clear();
    this._subsById.clear();
    if (wasOpening) this._openReject(error);
    if (notify) this._emit('closed', error);
  }

  _onOpenAnswer(ack, error, firstOpen) {
    if (this._state === 'closed') return;
    if (error) {
      if (error.code === 4503 && !firstOpen) return this._reopenLater();
      if (firstOpen) this._opened.catch(() => {});
      this._end(error, !firstOpen);
      return;
    }
    this._state = 'open';
    this._reopenTries = 0;
    this.version = ack.version;
    this.presence._joined();
    this._openResolve(this);
    const waiting = this._waiting ?? [];
    this._waiting = null;
    for (const record of waiting) this._client._transmit(record);
  }

  /**
   * A re-open answered 4503 ("unavailable now") is not a refusal: in a cluster, a client whose
   * node died reconnects while its document still moves to a new owner (docs/scaling.md,
   * Failover). The document stays open; the re-open is tried again with the reconnect backoff,
   * and writes made meanwhile wait for it.
   */
  _reopenLater() {
    const client = this._client;
    const ws = client._ws;
    this._live = false; // new subscriptions go with the next open
    this._unavailableGen = this._openGen; // the subs sent with that open fail: not for good
    this._waiting ??= [];
    const cap = Math.min(client._maxDelay, client._initialDelay * 2 ** Math.min(this._reopenTries++, 30));
    clearTimeout(this._reopenTimer);
    this._reopenTimer = setTimeout(() => {
      this._reopenTimer = null;
      if (this._state !== 'closed' && client._ws === ws && client._welcomed && client._docs.get(this.name) === this) {
        client._sendOpen(this);
      }
    }, Math.random() * cap);
  }

  _disconnected() {
    clearTimeout(this._reopenTimer);
    this._reopenTimer = null;
    this._reopenTries = 0;
    if (this._waiting) {
      // held, never sent: they go with the next connection's outbox, after the re-opens
      this._client._outbox.push(...this._waiting);
      this._waiting = null;
    }
    this._live = false;
    this._replay = null;
    for (const sub of this._subs.values()) sub._state = 'idle';
    this.presence._disconnected();
  }

  _sub(path, keys) {
    const key = `${keys ? 'k' : 'v'}:${path}`;
    let sub = this._subs.get(key);
    if (!sub) {
      sub = new Sub(this, key, path, keys);
      this._subs.set(key, sub);
      if (this._live && this._client._welcomed) this._sendSub(sub);
    }
    return sub;
  }

  _sendSub(sub) {
    if (sub.id != null) this._subsById.delete(sub.id);
    const frame = { type: 'sub', doc: this.name, path: sub.path };
    if (sub.keys) frame.keys = true;
    else if (sub.version >= 0) frame.since = sub.version;
    sub._state = 'pending';
    sub._openGen = this._openGen;
    sub.id = this._client._nextId++;
    this._subsById.set(sub.id, sub);
    this._client._request(frame, 'sub', { id: sub.id, onAnswer: (ack, error) => sub._onAnswer(ack, error) }).catch(() => {});
  }

  _dropSub(sub) {
    if (this._subs.get(sub.key) !== sub) return;
    this._subs.delete(sub.key);
    this._subsById.delete(sub.id);
    if (this._replay?.sub === sub) this._replay = null;
    if (this._live && this._client._welcomed && sub._state !== 'idle') {
      this._client._request({ type: 'unsub', doc: this.name, sub: sub.id }, 'unsub').catch(() => {});
    }
  }

  _endReplay() {
    if (!this._replay) return;
    const { sub, to } = this._replay;
    this._replay = null;
    if (sub._state === 'live') sub.version = Math.max(sub.version, to);
  }

  _onFrame(frame) {
    switch (frame.type) {
      case 'change': return this._onChange(frame);
      case 'snapshot': {
        this._endReplay();
        this._subsById.get(frame.sub)?._onSnapshot(frame);
        return;
      }
      case 'keys': {
        this._endReplay();
        for (const sub of this._subs.values()) if (sub.keys && sub.serverPath === frame.path) sub._onKeys(frame);
        return;
      }
      case 'presence': return this.presence._onFrame(frame);
      case 'stateless': return this.stateless._onFrame(frame);
      case 'closed': return this._end(new HooklineError(frame.code ?? 4401, frame.reason ?? ''), true);
      default:
    }
  }

  _onChange(frame) {
    const at = segmentsOf(frame.path ?? '');
    if (this._replay) {
      if (frame.version <= this._replay.to) {
        this._replay.sub._onChange(frame, at);
        return;
      }
      this._endReplay();
    }
    for (const sub of [...this._subs.values()]) {
      if (sub.keys || sub._state !== 'live') continue;
      if (startsWith(at, sub.segs) || startsWith(sub.segs, at)) sub._onChange(frame, at);
      else sub.version = Math.max(sub.version, frame.version); // untouched: still current
    }
  }
}

/**
 * One subscription on the server (shared by every listener of the same path and kind), with its
 * cached value (or keys) and the document version that value is at.
 */
class Sub {
  constructor(doc, key, path, keys) {
    this.doc = doc;
    this.key = key;
    this.path = path; // as asked
    this.serverPath = path; // as the ack says (a hook may rewrite it)
    this.segs = segmentsOf(path);
    this.keys = keys;
    this.id = null;
    this._state = 'idle'; // 'idle' | 'pending' | 'snapshot' (ack seen, snapshot next) | 'live'
    this.version = -1;
    this.hasData = false;
    this.value = undefined;
    this.meta = {}; // document path → meta, at and below the path
    this.keyList = [];
    this.listeners = new Set(); // {onValue, onError}
  }

  _info(reset, change) {
    return { version: this.version, meta: this.meta[this.serverPath], metaByPath: this.meta, reset, change };
  }

  _deliver(listener, reset, change) {
    if (this.keys) safely('keys listener', listener.onValue, [...this.keyList]);
    else safely('value listener', listener.onValue, this.value === undefined ? null : this.value, this._info(reset, change));
  }

  _notify(reset, change = null) {
    this.hasData = true;
    for (const listener of [...this.listeners]) this._deliver(listener, reset, change);
  }

  _onAnswer(ack, error) {
    if (this.doc._subs.get(this.key) !== this || ack.id !== this.id) return;
    if (error && this._openGen === this.doc._unavailableGen) {
      this._state = 'idle'; // its open was answered 4503: sent again with the next one
      return;
    }
    if (error) {
      this._state = 'idle'; // nothing to unsubscribe
      this.doc._dropSub(this);
      this._failed(error, true);
      return;
    }
    this.doc._endReplay();
    if (typeof ack.path === 'string' && ack.path !== this.serverPath) {
      this.serverPath = ack.path;
      this.segs = segmentsOf(ack.path);
    }
    if (ack.resume === 'replay' && !this.keys) {
      this._state = 'live';
      if (ack.version > this.version) this.doc._replay = { sub: this, to: ack.version };
    } else {
      this._state = 'snapshot';
    }
  }

  _onSnapshot(frame) {
    if (this._state === 'idle' || this._state === 'pending') return;
    this._state = 'live';
    this.version = frame.version;
    if (this.keys) {
      this.keyList = Array.isArray(frame.keys) ? [...frame.keys] : [];
    } else {
      this.value = frame.value ?? undefined;
      this.meta = isObject(frame.meta) ? { ...frame.meta } : {};
    }
    this._notify(frame.reset === true);
  }

  _onChange(frame, at) {
    if (frame.version <= this.version) return; // already applied (dedupe by version)
    this.version = frame.version;
    const op = frame.op;
    this.value = applyChange(this.value, this.segs, at, op, frame.value);
    // meta: set clears at and below the path; every op stores the meta it carries
    const prefix = frame.path === '' ? '' : frame.path + '/';
    if (op !== 'merge') {
      for (const p of Object.keys(this.meta)) if (p === frame.path || prefix === '' || p.startsWith(prefix)) delete this.meta[p];
    }
    if (frame.meta !== undefined && op !== 'delete' && startsWith(at, this.segs)) this.meta[frame.path] = frame.meta;
    for (const p of Object.keys(this.meta)) { // no meta for nodes that do not exist
      if (getIn(this.value, segmentsOf(p).slice(this.segs.length)) === undefined) delete this.meta[p];
    }
    this._notify(false, { op, path: frame.path, value: frame.value, meta: frame.meta, origin: frame.origin, version: frame.version });
  }

  _onKeys(frame) {
    if (this._state !== 'live' || frame.version <= this.version) return;
    this.version = frame.version;
    const removed = new Set(frame.removed ?? []);
    const list = this.keyList.filter((k) => !removed.has(k));
    for (const k of frame.added ?? []) if (!list.includes(k)) list.push(k);
    this.keyList = list;
    this._notify(false);
  }

  _failed(error, notify) {
    this._state = 'idle';
    const listeners = [...this.listeners];
    this.listeners.clear();
    if (!notify) return;
    let handled = false;
    for (const l of listeners) if (l.onError) { handled = true; safely('error listener', l.onError, error); }
    if (!handled) this.doc._client._emit('error', error);
  }
}

/**
 * A path in a document. Cheap to create: subscriptions are made by {@link Ref#on} and
 * {@link Ref#keys}, and shared by every listener of the same path.
 */
export class Ref {
  constructor(doc, path) {
    /** The document. @type {Doc} */
    this.doc = doc;
    /** The canonical path (`''` = root). */
    this.path = path;
  }

  /** The ref of a child key. @param {string} key */
  child(key) {
    return new Ref(this.doc, this.path === '' ? canonical(key) : `${this.path}/${canonical(key)}`);
  }

  /**
   * Follows the value at this path: `listener(value, info)` is called with the snapshot, then after
   * every change at, below or above the path, with the new value (`null` when there is none).
   * `info` = `{version, meta, metaByPath, reset, change}`: `meta` is the meta of this node,
   * `metaByPath` the meta at and below it keyed by document path, `reset` is true when a snapshot
   * replaced the cache after a reconnect that could not be replayed, `change` is the change frame
   * applied (`{op, path, value, meta, origin, version}`) or null for a snapshot.
   * @param {(value: any, info: {version: number, meta: any, metaByPath: object, reset: boolean, change: object|null}) => void} listener
   * @param {(error: HooklineError) => void} [onError] the subscription was refused (e.g. 4403)
   * @returns {() => void} unsubscribes
   */
  on(listener, onError) {
    return this._listen(false, listener, onError);
  }

  /**
   * Follows the child keys of the object at this path (`[]` when there is no object).
   * @param {(keys: string[]) => void} listener
   * @param {(error: HooklineError) => void} [onError]
   * @returns {() => void} unsubscribes
   */
  keys(listener, onError) {
    return this._listen(true, listener, onError);
  }

  /**
   * The current value at this path, once.
   * @returns {Promise<any>}
   */
  once() {
    return new Promise((resolve, reject) => {
      let off = null;
      let done = false;
      off = this.on((value) => {
        if (done) return;
        done = true;
        resolve(value);
        queueMicrotask(() => off());
      }, reject);
    });
  }

  /**
   * Replaces the node at this path (missing parents are created).
   * @param {any} value any JSON value
   * @param {{meta?: any}} [options] meta stored beside the node (none clears it)
   * @returns {Promise<{version: number}>} the version the change produced; rejects with a
   *   {@link HooklineError}, or with what a `set` hook threw
   */
  set(value, options = {}) {
    return this._write('set', value, options.meta);
  }

  /**
   * Deep-merges an object into the object at this path (created if absent). `null` values do
   * not delete keys.
   * @param {object} patch
   * @param {{meta?: any}} [options]
   * @returns {Promise<{version: number}>}
   */
  merge(patch, options = {}) {
    return this._write('merge', patch, options.meta);
  }

  /**
   * Deletes the node at this path (deleting the root leaves `{}`).
   * @returns {Promise<{version: number}>}
   */
  delete() {
    let req = { document: this.doc.name, path: this.path };
    try {
      req = runChain(this.doc._client._hooks, 'delete', req);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.doc._request({ type: 'delete', doc: this.doc.name, path: canonical(req.path) }, 'delete')
      .then((ack) => ({ version: ack.version }));
  }

  _write(operation, value, meta) {
    let req = { document: this.doc.name, operation, path: this.path, value, meta };
    try {
      req = runChain(this.doc._client._hooks, 'set', req);
    } catch (e) {
      return Promise.reject(e);
    }
    const op = req.operation === 'merge' ? 'merge' : 'set';
    const frame = { type: op, doc: this.doc.name, path: canonical(req.path), value: req.value === undefined ? null : req.value };
    if (req.meta !== undefined) frame.meta = req.meta;
    return this.doc._request(frame, op).then((ack) => ({ version: ack.version }));
  }

  _listen(keys, onValue, onError) {
    if (!this.doc.isOpen) {
      const error = new HooklineError(4404, `document ${this.doc.name} is not open`);
      if (onError) queueMicrotask(() => onError(error));
      return () => {};
    }
    const sub = this.doc._sub(this.path, keys);
    const listener = { onValue, onError };
    sub.listeners.add(listener);
    if (sub._state === 'live' && sub.hasData) {
      queueMicrotask(() => { if (sub.listeners.has(listener)) sub._deliver(listener, false, null); });
    }
    return () => {
      if (!sub.listeners.delete(listener)) return;
      if (sub.listeners.size === 0) this.doc._dropSub(sub);
    };
  }
}

/** This connection's presence state in a document, and the states of the other members. */
export class Presence {
  constructor(doc) {
    this._doc = doc;
    this._state = null;
    this._others = new Map();
    this._incoming = null; // states arriving before an open ack
    this._listeners = new Set();
  }

  /**
   * Sets this connection's state (`null` clears it). Kept and sent again after a reconnect.
   * @param {any} state any JSON value
   * @returns {Promise<void>}
   */
  set(state) {
    this._state = state ?? null;
    return this._doc._request({ type: 'presence', doc: this._doc.name, state: this._state }, 'presence').then(() => {});
  }

  /** Clears this connection's state. @returns {Promise<void>} */
  clear() {
    return this.set(null);
  }

  /** The other members' states, connection id → state. @returns {Map<string, any>} */
  get states() {
    return new Map(this._others);
  }

  /**
   * Follows the other members' states: `listener(states)` with a `Map` connection id → state, now
   * and after every change (a member left or cleared its state: its entry is gone).
   * @param {(states: Map<string, any>) => void} listener
   * @returns {() => void} removes the listener
   */
  on(listener) {
    this._listeners.add(listener);
    queueMicrotask(() => { if (this._listeners.has(listener)) safely('presence listener', listener, this.states); });
    return () => this._listeners.delete(listener);
  }

  _notify() {
    for (const listener of [...this._listeners]) safely('presence listener', listener, this.states);
  }

  _onFrame(frame) {
    const target = this._incoming ?? this._others;
    if (frame.state == null) target.delete(frame.conn);
    else target.set(frame.conn, frame.state);
    if (!this._incoming) this._notify();
  }

  _disconnected() { // nobody is known to be here until the document is re-opened
    this._incoming = null;
    if (this._others.size === 0) return;
    this._others = new Map();
    this._notify();
  }

  _joined() {
    if (!this._incoming) return;
    this._others = this._incoming;
    this._incoming = null;
    this._notify();
  }
}

/** Stateless messages: sent to the document's other members, not stored. */
export class Stateless {
  constructor(doc) {
    this._doc = doc;
    this._listeners = new Set();
  }

  /**
   * Sends a message to the other members.
   * @param {any} payload any JSON value
   * @returns {Promise<void>}
   */
  send(payload) {
    return this._doc._request({ type: 'stateless', doc: this._doc.name, payload: payload ?? null }, 'stateless').then(() => {});
  }

  /**
   * Receives the other members' (and the server's) messages.
   * @param {(payload: any) => void} listener
   * @returns {() => void} removes the listener
   */
  on(listener) {
    this._listeners.add(listener);
    return () => this._listeners.delete(listener);
  }

  _onFrame(frame) {
    for (const listener of [...this._listeners]) safely('stateless listener', listener, frame.payload ?? null);
  }
}
