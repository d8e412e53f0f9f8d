// The Hookline demo: a shared board of cards with live presence, built on /hookline.js.
// Document layout: cards/<id> = {title, column, color, order, by}. Presence: {name, color, editing}.
import { Hookline } from '/hookline.js';

const COLUMNS = [
  { id: 'todo', title: 'To do' },
  { id: 'doing', title: 'Doing' },
  { id: 'done', title: 'Done' },
];
const COLORS = ['#4c6ef5', '#12b886', '#fab005', '#fa5252', '#be4bdb', '#868e96'];
const PEOPLE_COLORS = ['#e8590c', '#2f9e44', '#1971c2', '#9c36b5', '#c2255c', '#0c8599', '#5f3dc4', '#d9480f'];
const ADJECTIVES = ['Brave', 'Calm', 'Eager', 'Happy', 'Lucky', 'Quick', 'Quiet', 'Sunny', 'Witty', 'Bold'];
const ANIMALS = ['Otter', 'Falcon', 'Panda', 'Lynx', 'Koala', 'Heron', 'Badger', 'Fox', 'Seal', 'Wren'];

const $ = (id) => document.getElementById(id);
const pick = (list) => list[Math.floor(Math.random() * list.length)];
const el = (tag, { dataset = {}, ...props } = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const [k, v] of Object.entries(dataset)) node.dataset[k] = v;
  node.append(...children);
  return node;
};

const docName = decodeURIComponent(location.hash.slice(1)) || 'demo-board';
window.addEventListener('hashchange', () => location.reload());
$('doc-name').textContent = docName;
document.title = `${docName} · Hookline board`;

// --- who am I ---
const me = {
  name: sessionStorage.getItem('hookline-demo-name') || `${pick(ADJECTIVES)} ${pick(ANIMALS)}`,
  color: sessionStorage.getItem('hookline-demo-color') || pick(PEOPLE_COLORS),
  editing: null,
};
sessionStorage.setItem('hookline-demo-color', me.color); // per tab: each window is its own person
sessionStorage.setItem('hookline-demo-name', me.name);
$('name-input').value = me.name;
$('my-dot').style.background = me.color;

// --- state ---
let cards = {}; // id → card
let people = new Map(); // connection id → presence state (others)
let editing = null; // {id, input} while I edit a title
let newColor = COLORS[0];
const cardElements = new Map(); // id → element

// --- status and errors ---
const client = new Hookline({ reconnect: { initialDelayMs: 250, maxDelayMs: 5000 } });
function showStatus(status) {
  $('status').textContent = status;
  $('status').dataset.status = status;
}
showStatus(client.status);
client.on('status', showStatus);

let errorTimer = null;
function showError(error) {
  $('error').textContent = error?.reason ? `${error.reason} (${error.code})` : String(error?.message ?? error);
  $('error').hidden = false;
  clearTimeout(errorTimer);
  errorTimer = setTimeout(() => { $('error').hidden = true; }, 5000);
}
client.on('error', showError);

// --- the colour picker of the add form ---
for (const color of COLORS) {
  const swatch = el('button', {
    type: 'button', className: 'swatch', title: color,
    dataset: { testid: 'add-card-color', color },
  });
  swatch.style.background = color;
  swatch.setAttribute('role', 'radio');
  swatch.setAttribute('aria-checked', String(color === newColor));
  swatch.addEventListener('click', () => {
    newColor = color;
    for (const s of $('add-card-colors').children) s.setAttribute('aria-checked', String(s.dataset.color === color));
  });
  $('add-card-colors').append(swatch);
}

// --- the board skeleton ---
const columnLists = new Map();
for (const column of COLUMNS) {
  const list = el('div', { className: 'cards', dataset: { testid: 'column-cards' } });
  const count = el('span', { className: 'n', dataset: { testid: 'column-count' } }, '0');
  const empty = el('div', { className: 'empty', dataset: { testid: 'column-empty' } }, 'No cards');
  $('board').append(el('section', { className: 'column', dataset: { testid: 'column', column: column.id } },
    el('h3', {}, column.title, count), list, empty));
  columnLists.set(column.id, { list, count, empty });
}

// --- rendering ---
function editorsOf(id) {
  return [...people.values()].filter((p) => p && p.editing === id);
}

function cardElement(id) {
  let node = cardElements.get(id);
  if (node) return node;
  const title = el('div', { className: 'card-title', title: 'Click to edit', dataset: { testid: 'card-title' } });
  title.addEventListener('click', () => startEdit(id));
  const by = el('span', { className: 'by', dataset: { testid: 'card-author' } });
  const left = el('button', { type: 'button', title: 'Move left', dataset: { testid: 'card-move-left' } }, '←');
  const right = el('button', { type: 'button', title: 'Move right', dataset: { testid: 'card-move-right' } }, '→');
  const color = el('button', { type: 'button', title: 'Change colour', dataset: { testid: 'card-color' } }, '●');
  const del = el('button', { type: 'button', className: 'danger', title: 'Delete', dataset: { testid: 'card-delete' } }, '✕');
  left.addEventListener('click', () => move(id, -1));
  right.addEventListener('click', () => move(id, +1));
  color.addEventListener('click', () => recolor(id));
  del.addEventListener('click', () => remove(id));
  const tag = el('span', { className: 'editor-tag', hidden: true, dataset: { testid: 'card-editor' } });
  node = el('article', { className: 'card', dataset: { testid: 'card', cardId: id } },
    tag, title, el('div', { className: 'card-meta' }, by, left, right, color, del));
  node._parts = { title, by, left, right, color, tag };
  cardElements.set(id, node);
  return node;
}

function render() {
  const byColumn = new Map(COLUMNS.map((c) => [c.id, []]));
  for (const [id, card] of Object.entries(cards)) {
    if (!card || typeof card !== 'object') continue;
    const column = byColumn.has(card.column) ? card.column : 'todo';
    byColumn.get(column).push([id, card]);
  }
  for (const [id, node] of cardElements) { // cards deleted by anyone
    if (!cards[id]) {
      node.remove();
      cardElements.delete(id);
      if (editing?.id === id) editing = null;
    }
  }
  for (const [columnId, entries] of byColumn) {
    entries.sort((a, b) => (a[1].order ?? 0) - (b[1].order ?? 0) || (a[0] < b[0] ? -1 : 1));
    const { list, count, empty } = columnLists.get(columnId);
    count.textContent = String(entries.length);
    empty.hidden = entries.length > 0;
    const index = COLUMNS.findIndex((c) => c.id === columnId);
    entries.forEach(([id, card], i) => {
      const node = cardElement(id);
      const { title, by, left, right, color, tag } = node._parts;
      node.dataset.column = columnId;
      node.style.setProperty('--card-color', card.color || '#adb5bd');
      if (editing?.id !== id) title.textContent = card.title ?? '';
      by.textContent = card.by ? `by ${card.by}` : '';
      color.style.color = card.color || '#adb5bd';
      left.disabled = index === 0;
      right.disabled = index === COLUMNS.length - 1;
      const editors = editorsOf(id);
      node.classList.toggle('editing-by-other', editors.length > 0);
      tag.hidden = editors.length === 0;
      tag.textContent = editors.map((p) => p.name).join(', ');
      if (editors.length) node.style.setProperty('--editor-color', editors[0].color);
      if (list.children[i] !== node) list.insertBefore(node, list.children[i] ?? null); // only moves what moved
    });
  }
}

function renderPeople() {
  const list = $('presence-list');
  list.replaceChildren();
  const everyone = [[client.connectionId ?? 'me', me, true], ...[...people].map(([conn, state]) => [conn, state, false])];
  for (const [conn, state, self] of everyone) {
    if (!state || typeof state !== 'object') continue;
    const dot = el('span', { className: 'dot', dataset: { testid: 'presence-color' } });
    dot.style.background = state.color || '#adb5bd';
    const item = el('li', { dataset: { testid: 'presence-item', conn, self: String(self) } },
      dot, el('span', { dataset: { testid: 'presence-name' } }, String(state.name ?? 'Anonymous')));
    if (self) item.append(el('span', { className: 'you' }, '(you)'));
    const editingCard = state.editing && cards[state.editing];
    if (editingCard && !self) item.append(el('span', { className: 'doing' }, 'editing'));
    list.append(item);
  }
  $('presence-count').textContent = String(list.children.length);
}

// --- actions ---
let doc = null;
const cardsRef = () => doc.ref('cards');
const report = (promise) => promise.catch(showError);

function newId() {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

$('add-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const title = $('add-card-input').value.trim();
  if (!title || !doc) return;
  $('add-card-input').value = '';
  report(cardsRef().child(newId()).set({ title, column: 'todo', color: newColor, order: Date.now(), by: me.name }));
});

function move(id, step) {
  const card = cards[id];
  const index = COLUMNS.findIndex((c) => c.id === card?.column);
  const target = COLUMNS[Math.max(0, index) + step];
  if (!card || !target) return;
  report(cardsRef().child(id).merge({ column: target.id, order: Date.now() }));
}

function recolor(id) {
  const card = cards[id];
  if (!card) return;
  report(cardsRef().child(id).child('color').set(COLORS[(COLORS.indexOf(card.color) + 1) % COLORS.length]));
}

function remove(id) {
  report(cardsRef().child(id).delete());
}

function setEditing(id) {
  me.editing = id;
  if (doc) report(doc.presence.set(me));
}

function startEdit(id) {
  if (editing?.id === id || !cards[id]) return;
  if (editing) finishEdit(true);
  const { title } = cardElement(id)._parts;
  const input = el('input', { className: 'card-title-input', value: cards[id].title ?? '', maxLength: 200, dataset: { testid: 'card-title-input' } });
  editing = { id, input };
  title.replaceChildren(input);
  input.focus();
  input.select();
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') finishEdit(true);
    if (event.key === 'Escape') finishEdit(false);
  });
  input.addEventListener('blur', () => finishEdit(true));
  setEditing(id);
}

function finishEdit(save) {
  if (!editing) return;
  const { id, input } = editing;
  editing = null;
  const text = input.value.trim();
  const { title } = cardElement(id)._parts;
  title.textContent = (save && text) ? text : (cards[id]?.title ?? '');
  if (save && text && cards[id] && text !== cards[id].title) report(cardsRef().child(id).child('title').set(text));
  setEditing(null);
}

$('name-input').addEventListener('input', () => {
  me.name = $('name-input').value.trim() || 'Anonymous';
  sessionStorage.setItem('hookline-demo-name', me.name);
  renderPeople();
  if (doc) report(doc.presence.set(me));
});

// --- connect ---
async function start() {
  try {
    doc = await client.open(docName);
  } catch (error) {
    showError(error);
    return;
  }
  doc.on('closed', showError);
  doc.ref('cards').on((value) => {
    cards = value && typeof value === 'object' ? value : {};
    render();
    renderPeople();
  }, showError);
  doc.presence.on((states) => {
    people = states;
    renderPeople();
    render();
  });
  report(doc.presence.set(me));
  renderPeople();
}

renderPeople();
start();

// For the console: window.hookline = {client, doc}.
window.hookline = { client, get doc() { return doc; } };
