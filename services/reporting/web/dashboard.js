// Pathways dashboard: reads the reporting service's JSON API and renders
// the funnel, cohorts, retention, outcomes, training providers, cost and
// queue panels;
// refreshes itself. Every figure carries data-k (a stable key) so tests
// can read the page. The API's figures are the protected ones: a
// suppressed figure is shown as "withheld", never as its placeholder 0.
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
const WITHHELD = 'withheld';

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

// Rows of a table's body; each cell is labelled with its column's heading
// so that a phone-width layout can show it beside the figure.
function fill(id, rows) {
  const body = document.getElementById(id);
  const heads = [...body.closest('table').querySelectorAll('thead th')].map((th) => th.textContent);
  for (const tr of rows) [...tr.cells].forEach((td, i) => { td.dataset.label = heads[i] || ''; });
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
    charts.push(img);
  }
  fill('retention-rows', rows);
  document.getElementById('charts').replaceChildren(...charts);
}

const OUTCOME_COUNTS = ['enrolled', 'completed', 'certified', 'placed', 'withdrawn', 'exited'];
const OUTCOME_RATES = ['completion_rate', 'certification_rate', 'placement_rate'];
// The training providers' figures (attendance events, people at risk).
const PROGRESS_COUNTS = ['sessions_present', 'sessions_absent', 'sessions_excused', 'at_risk'];
const days = (v) => num(v, 1);

function outcomeRow(o) {
  const tr = document.createElement('tr');
  const k = 'out:' + o.slice + ':';
  cell(tr, o.slice, null, 'text');
  for (const c of OUTCOME_COUNTS) cell(tr, count(o[c]), k + c);
  for (const r of OUTCOME_RATES) cell(tr, figure(o[r], pct), k + r);
  cell(tr, figure(o.median_days_to_placement, days), k + 'median_days');
  cell(tr, figure(o.median_days_to_certification, days), k + 'median_cert_days');
  for (const c of PROGRESS_COUNTS) cell(tr, count(o[c]), k + c);
  return tr;
}

function providerRow(o) {
  const tr = document.createElement('tr');
  const k = 'prov:' + o.slice + ':';
  cell(tr, o.slice, null, 'text');
  for (const c of ['enrolled', 'completed', 'certified']) cell(tr, count(o[c]), k + c);
  for (const r of ['completion_rate', 'certification_rate']) cell(tr, figure(o[r], pct), k + r);
  cell(tr, figure(o.median_days_to_certification, days), k + 'median_cert_days');
  for (const c of PROGRESS_COUNTS) cell(tr, count(o[c]), k + c);
  return tr;
}

function renderProviders(doc) {
  const rows = doc.rows.map(providerRow);
  if (doc.total) rows.push(providerRow(doc.total));
  fill('provider-rows', rows);
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
  const program = c.program || '';
  const k = 'cost:' + program + '|' + c.employer + '|' + c.role + ':';
  cell(tr, program, null, 'text');
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
  // Every row names its source; the page names each distinct one once.
  const sources = [...new Set(doc.rows.map((c) => c.cost_source).filter((x) => x))];
  const src = document.getElementById('cost-source');
  src.textContent = sources.length ? sources.join('; ') : 'none (no rows)';
  src.dataset.k = 'cost:source';
}

const STAGES = [['eligible', 'Eligible'], ['invited', 'Invited'], ['applied', 'Applied'],
  ['enrolled', 'Enrolled'], ['in_training', 'In training'], ['completed', 'Completed'],
  ['certified', 'Certified'], ['placed', 'Placed']];
const STATES = [['open_invitations', 'Open invitations'], ['waitlisted', 'Waitlist'],
  ['seats_taken', 'Seats taken']];

function renderFunnel(doc) {
  document.getElementById('threshold').textContent = doc.threshold;
  const t = doc.total;
  const top = t.eligible.suppressed ? 0 : Number(t.eligible.value);
  document.getElementById('funnel-stages').replaceChildren(...STAGES.map(([k, label]) => {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.className = 'stage';
    name.textContent = label;
    const bar = document.createElement('span');
    bar.className = 'bar';
    const c = t[k];
    bar.style.width = c.suppressed || !top ? '0' : Math.min(100, (100 * c.value) / top) + '%';
    const n = document.createElement('span');
    n.className = c.suppressed ? 'n withheld' : 'n';
    n.textContent = count(c);
    n.dataset.k = 'funnel:' + k;
    li.append(name, bar, n);
    return li;
  }));
  document.getElementById('funnel-state').replaceChildren(...STATES.flatMap(([k, label]) => {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = count(t[k]);
    dd.dataset.k = 'funnel:' + k;
    if (t[k].suppressed) dd.className = 'withheld';
    return [dt, dd];
  }));
}

const COHORT_COUNTS = ['enrolled', 'seats_taken', 'waitlisted', 'completed', 'placed'];

function renderCohorts(doc) {
  fill('cohort-rows', doc.rows.map((c) => {
    const tr = document.createElement('tr');
    cell(tr, c.slice, null, 'text');
    for (const k of COHORT_COUNTS) cell(tr, count(c[k]), 'cohort:' + c.slice + ':' + k);
    return tr;
  }));
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
    // The funnel and cohorts keep the filters but not the slice.
    const funnelParams = new URLSearchParams(params);
    funnelParams.delete('slice');
    const cohortParams = new URLSearchParams(funnelParams);
    cohortParams.set('slice', 'cohort');
    // The providers panel: outcomes by training provider, same filters.
    const providerParams = new URLSearchParams(funnelParams);
    providerParams.set('slice', 'provider');
    const [funnel, cohorts, ret, out, providers, cost, queues] = await Promise.all([
      getJSON('/api/funnel', funnelParams), getJSON('/api/funnel', cohortParams),
      getJSON('/api/retention', params), getJSON('/api/outcomes', params),
      getJSON('/api/outcomes', providerParams),
      getJSON('/api/cost', params), getJSON('/api/queues', new URLSearchParams())]);
    renderFunnel(funnel);
    renderCohorts(cohorts);
    renderRetention(ret, params);
    renderOutcomes(out);
    renderProviders(providers);
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
