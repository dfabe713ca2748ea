// Pathways dashboard: reads the reporting service's JSON API and renders
// the retention, outcomes, cost and queue tables; refreshes itself. Every
// figure cell carries data-k (a stable key) so tests can read the page.
'use strict';

// Errors on the page are counted where a headless browser test can read
// them (body data-errors), besides the browser's own console.
const pageErrors = [];
function noteError(message) {
  pageErrors.push(String(message));
  document.body.dataset.errors = String(pageErrors.length);
}
window.addEventListener('error', (e) => noteError(e.message));
window.addEventListener('unhandledrejection', (e) => noteError(e.reason));

const REFRESH_SECONDS = Number(new URLSearchParams(location.search).get('refresh')) || 30;
const FILTER_KEYS = ['program', 'employer', 'cohort', 'job_family', 'slice', 'as_of'];
const WITHHELD = '*';

function pct(v) { return (v * 100).toFixed(1) + '%'; }
function money(v) {
  // Rounded half away from zero, like the C tools' llround().
  return (v < 0 ? '-' : '') + '$' + Math.round(Math.abs(v)).toLocaleString('en-US');
}
function num(v, digits) { return Number(v).toFixed(digits); }
function count(c) { return c.suppressed ? WITHHELD : String(c.value); }
function figure(f, fmt) { return f.suppressed ? WITHHELD : fmt(f.value); }

function query() {
  const params = new URLSearchParams();
  const form = document.getElementById('filters');
  for (const k of FILTER_KEYS) {
    const v = form.elements[k].value.trim();
    if (v && !(k === 'slice' && v === 'all')) params.set(k, v);
  }
  return params;
}

function cell(row, text, key, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (key) td.dataset.k = key;
  if (cls) td.className = cls;
  row.appendChild(td);
  return td;
}

function fill(id, rows) {
  const body = document.getElementById(id);
  body.replaceChildren(...rows);
}

async function getJSON(path, params) {
  const r = await fetch(path + '?' + params.toString(), { cache: 'no-store' });
  const doc = await r.json();
  if (!r.ok) throw new Error(path + ': ' + (doc.error || r.status));
  return doc;
}

function retentionRow(slice, name, g, compared, p) {
  const tr = document.createElement('tr');
  const k = 'ret:' + slice + ':' + name;
  cell(tr, slice, null, 'text');
  cell(tr, name, null, 'text');
  cell(tr, count(g.people), k + ':people');
  cell(tr, count(g.separations), k + ':separations');
  for (const months of [6, 12, 24]) {
    const at = g.suppressed ? null : g.at.find((a) => a.months === months);
    const text = !at || at.suppressed ? WITHHELD
      : pct(at.retention) + ' (' + pct(at.lower) + '-' + pct(at.upper) + ')';
    cell(tr, text, k + ':m' + months);
  }
  cell(tr, name === 'participants' && compared ? num(p, 4) : '', k + ':logrank_p');
  return tr;
}

function renderRetention(doc, params) {
  document.getElementById('threshold').textContent = doc.threshold;
  const rows = [];
  const charts = [];
  for (const s of doc.slices) {
    rows.push(retentionRow(s.slice, 'participants', s.participants, s.compared, s.logrank_p));
    rows.push(retentionRow(s.slice, 'comparison', s.comparison, s.compared, s.logrank_p));
    const img = document.createElement('img');
    const p = new URLSearchParams(params);
    p.set('value', s.slice);
    img.src = '/chart/retention.svg?' + p.toString();
    img.alt = 'Retention curves for ' + s.slice;
    img.width = 480;
    charts.push(img);
  }
  fill('retention-rows', rows);
  document.getElementById('charts').replaceChildren(...charts);
}

const OUTCOME_COUNTS = ['enrolled', 'completed', 'certified', 'placed', 'withdrawn', 'exited'];
const OUTCOME_RATES = ['completion_rate', 'certification_rate', 'placement_rate'];

function outcomeRow(o) {
  const tr = document.createElement('tr');
  const k = 'out:' + o.slice + ':';
  cell(tr, o.slice, null, 'text');
  for (const c of OUTCOME_COUNTS) cell(tr, count(o[c]), k + c);
  for (const r of OUTCOME_RATES) cell(tr, figure(o[r], pct), k + r);
  cell(tr, figure(o.median_days_to_placement, (v) => num(v, 1)), k + 'median_days');
  return tr;
}

function renderOutcomes(doc) {
  const rows = doc.rows.map(outcomeRow);
  if (doc.total) rows.push(outcomeRow(doc.total));
  fill('outcome-rows', rows);
  fill('exit-rows', doc.exits.map((e) => {
    const tr = document.createElement('tr');
    cell(tr, e.reason, null, 'text');
    cell(tr, count(e.people), 'exit:' + e.reason);
    return tr;
  }));
}

function costRow(c) {
  const tr = document.createElement('tr');
  const k = 'cost:' + c.employer + '|' + c.role + ':';
  cell(tr, c.employer, null, 'text');
  cell(tr, c.role, null, 'text');
  cell(tr, count(c.participants), k + 'participants');
  const hide = c.suppressed;
  cell(tr, hide ? WITHHELD : pct(c.retention_difference) + ' (' + pct(c.difference_low) + ' to '
    + pct(c.difference_high) + ')', k + 'difference');
  cell(tr, hide ? WITHHELD : num(c.separations_avoided, 1) + ' (' + num(c.separations_avoided_low, 1)
    + ' to ' + num(c.separations_avoided_high, 1) + ')', k + 'separations_avoided');
  cell(tr, hide ? WITHHELD : money(c.cost_avoided) + ' (' + money(c.cost_avoided_low) + ' to '
    + money(c.cost_avoided_high) + ')', k + 'cost_avoided');
  cell(tr, c.employer === 'total' ? '' : money(c.replacement_cost), null);
  cell(tr, c.cost_source, null, 'text');
  return tr;
}

function renderCost(doc) {
  const rows = doc.rows.map(costRow);
  if (doc.total) {
    const t = doc.total;
    t.role = '';
    rows.push(costRow(t));
  }
  fill('cost-rows', rows);
}

function renderQueues(doc) {
  fill('queue-rows', doc.consumers.map((q) => {
    const tr = document.createElement('tr');
    const k = 'queue:' + q.stream + ':' + q.consumer + ':';
    cell(tr, q.stream, null, 'text');
    cell(tr, q.consumer, null, 'text');
    cell(tr, String(q.offset), k + 'offset');
    cell(tr, String(q.head), k + 'head');
    cell(tr, String(q.lag), k + 'lag');
    cell(tr, num(q.lag_seconds, 1), null);
    cell(tr, String(q.dead_letters), k + 'dead_letters');
    cell(tr, String(q.retrying), null);
    cell(tr, q.status, k + 'status', q.status);
    return tr;
  }));
  const states = Object.entries(doc.deliveries).map(([s, n]) => s + ' ' + n);
  document.getElementById('deliveries').textContent = states.length ? states.join(', ') : 'none';
}

async function refresh() {
  const params = query();
  const status = document.getElementById('status');
  try {
    const [ret, out, cost, queues] = await Promise.all([
      getJSON('/api/retention', params), getJSON('/api/outcomes', params),
      getJSON('/api/cost', params), getJSON('/api/queues', new URLSearchParams())]);
    renderRetention(ret, params);
    renderOutcomes(out);
    renderCost(cost);
    renderQueues(queues);
    status.textContent = 'Report date ' + ret.as_of + '; updated ' + new Date().toLocaleTimeString()
      + '; refreshing every ' + REFRESH_SECONDS + ' s';
    document.body.dataset.loaded = 'yes';
  } catch (e) {
    status.textContent = 'Could not load: ' + e.message;
    noteError(e.message);
  }
}

function init() {
  const form = document.getElementById('filters');
  const given = new URLSearchParams(location.search);
  for (const k of FILTER_KEYS) if (given.has(k)) form.elements[k].value = given.get(k);
  form.addEventListener('submit', (ev) => { ev.preventDefault(); refresh(); });
  refresh();
  setInterval(refresh, REFRESH_SECONDS * 1000);
}

init();
