// The web view's page: the network, the classes, the links, the switch
// timeline and the charts, live from the controller's event stream
// (/api/events, server-sent events), which it reopens by itself when the
// controller goes away and comes back (a new controller instance: everything
// is loaded again). A class's candidate paths, the policy's reasoning and
// pinning go through the JSON endpoints (the controller API's handlers).
import { LatencyHistogram, RateChart } from './charts.js';
import { CLASS_COLOURS, mbps, NetworkGraph, pct, utilColour } from './graph.js';

const $ = (sel) => document.querySelector(sel);
const TIMELINE_ROWS = 200;
const DETAIL_REFRESH_MS = 2000;

const state = {
  instance: null,
  view: null,
  graph: null,
  flows: [],
  policy: null,
  switches: [],
  util: new Map(),
  selected: null,
  charts: null,
  es: null,
  retryMs: 1000,
  lastSample: 0,
};
// for tests and the curious: window.srv6view.graph.cy is the cytoscape instance
window.srv6view = state;

const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) e.append(c instanceof Node ? c : String(c));
  return e;
};
/**
 * Makes `parent`'s children look like `next`, touching only what differs: a
 * row the pointer is on stays the same element while its figures change
 * (clicks are never lost to a refresh). No listeners on what is patched:
 * clicks are delegated to the tables and read the rows' data attributes.
 */
function patch(parent, next) {
  const cur = [...parent.childNodes];
  next.forEach((n, i) => (cur[i] ? morph(cur[i], n) : parent.append(n)));
  for (let i = next.length; i < cur.length; i++) cur[i].remove();
}
function morph(a, b) {
  if (a.nodeType !== b.nodeType || a.nodeName !== b.nodeName) return a.replaceWith(b);
  if (a.nodeType !== Node.ELEMENT_NODE) {
    if (a.nodeValue !== b.nodeValue) a.nodeValue = b.nodeValue;
    return;
  }
  for (const { name } of [...a.attributes]) if (!b.hasAttribute(name)) a.removeAttribute(name);
  for (const { name, value } of [...b.attributes]) if (a.getAttribute(name) !== value) a.setAttribute(name, value);
  if ('disabled' in a) a.disabled = b.disabled;
  patch(a, [...b.childNodes]);
}
const pathText = (p) => (p?.length ? p.join('-') : '-');
const time = (unixMs) => {
  const d = new Date(Number(unixMs));
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
};
const ms = (us) => (us >= 0 ? `${(us / 1000).toFixed(3)} ms` : '-');
const threshold = () => {
  const t = state.policy?.flows.map((f) => f.threshold).filter((x) => x > 0) ?? [];
  return t.length ? Math.min(...t) : 0.7;
};
const classColour = (cls) => CLASS_COLOURS[Math.max(0, state.view?.topology.classes.indexOf(cls)) % CLASS_COLOURS.length];
const dirShort = (d) => (d === 'forward' ? 'fwd' : d === 'reverse' ? 'rev' : d);

async function api(path, init) {
  const r = await fetch(path, { credentials: 'same-origin', ...init });
  const text = await r.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = { error: text.trim() };
  }
  if (!r.ok) throw Object.assign(new Error(body.error || `${r.status} ${r.statusText}`), { status: r.status, code: body.code });
  return body;
}

function setStatus(kind, text) {
  const s = $('#status');
  s.className = `status ${kind}`;
  s.textContent = text ?? kind;
  s.dataset.state = kind;
}

// ---------- the whole view (first load, and after the controller restarted) ----------

async function loadView() {
  const [view, policy] = await Promise.all([api('/api/view'), api('/api/policy')]);
  const same = state.view && JSON.stringify(state.view.topology.links.map((l) => [l.name, l.a, l.b, l.capacity_mbps])) === JSON.stringify(view.topology.links.map((l) => [l.name, l.a, l.b, l.capacity_mbps]))
    && JSON.stringify(state.view.routers) === JSON.stringify(view.routers);
  state.view = view;
  state.policy = policy;
  $('#topology-name').textContent = `— ${view.topology.name}`;
  $('#counts').textContent = `${view.routers.length} routers · ${view.topology.links.length} links · ${view.topology.classes.length} classes`;
  document.title = `srv6-orchestrator — ${view.topology.name}`;
  if (!state.graph) state.graph = new NetworkGraph($('#graph'), view, { onSelectClass: select });
  else if (!same) state.graph.build(view);
  for (const l of view.topology.links) {
    state.util.set(`${l.a}>${l.b}`, { utilization: l.utilization_ab, rate_mbps: l.rate_ab_mbps, state: l.state });
    state.util.set(`${l.b}>${l.a}`, { utilization: l.utilization_ba, rate_mbps: l.rate_ba_mbps, state: l.state });
  }
  if (!state.charts || !same) makeCharts(view);
  renderLegend();
  renderUtil();
}

function makeCharts(view) {
  for (const id of ['#class-chart', '#link-chart', '#latency-chart']) $(id).replaceChildren();
  const flowSeries = [];
  for (const cls of view.topology.classes) {
    for (const dir of ['forward', 'reverse']) flowSeries.push({ key: `${cls}/${dir}`, label: `${cls} ${dirShort(dir)}`, stroke: classColour(cls), dash: dir === 'reverse' ? [6, 4] : undefined });
  }
  const linkColours = ['#0ea5e9', '#f97316', '#10b981', '#a855f7', '#ef4444', '#64748b', '#eab308', '#14b8a6', '#8b5cf6', '#f43f5e', '#84cc16', '#6366f1'];
  const linkSeries = view.topology.links.flatMap((l, i) => [
    { key: `${l.a}>${l.b}`, label: `${l.a}→${l.b}`, stroke: linkColours[i % linkColours.length] },
    { key: `${l.b}>${l.a}`, label: `${l.b}→${l.a}`, stroke: linkColours[i % linkColours.length], dash: [6, 4] },
  ]);
  state.charts = {
    classes: new RateChart($('#class-chart'), flowSeries, (s, k) => s.flows[k]),
    links: new RateChart($('#link-chart'), linkSeries, (s, k) => s.links[k]?.[0]),
    latency: new LatencyHistogram($('#latency-chart'), $('#latency-summary')),
  };
}

function renderLegend() {
  const items = state.view.topology.classes.map((c) => el('span', {}, el('span', { class: 'swatch', style: `background:${classColour(c)}` }), c));
  const t = threshold();
  items.push(el('span', {}, el('span', { class: 'swatch', style: `background:${utilColour(0.2 * t, t)}` }), `< ${pct(0.7 * t)}`));
  items.push(el('span', {}, el('span', { class: 'swatch', style: `background:${utilColour(0.8 * t, t)}` }), `≤ ${pct(t)}`));
  items.push(el('span', {}, el('span', { class: 'swatch', style: `background:${utilColour(t + 0.01, t)}` }), `> ${pct(t)} (lowest policy threshold)`));
  $('#legend').replaceChildren(...items);
}

// ---------- links ----------

function renderUtil() {
  if (!state.view) return;
  const t = threshold();
  state.graph.setUtilization(state.util, t);
  const bar = (u) => el('span', { class: 'bar' }, el('i', { style: `width:${Math.min(100, Math.max(0, u * 100))}%;background:${utilColour(u, t)}` }));
  const rows = state.view.topology.links.map((l) => {
    const ab = state.util.get(`${l.a}>${l.b}`);
    const ba = state.util.get(`${l.b}>${l.a}`);
    const down = ab?.state === 'down' || ba?.state === 'down';
    const cell = (d) => [el('td', {}, bar(d?.utilization ?? 0), ' ', pct(d?.utilization ?? 0)), el('td', { class: 'num' }, mbps(d?.rate_mbps ?? 0))];
    return el('tr', { dataset: { link: l.name } },
      el('td', {}, l.name, el('div', { class: 'sub' }, `${l.a} ${l.a_interface} — ${l.b} ${l.b_interface}`)),
      el('td', { class: down ? 'state-down' : 'state-live' }, down ? 'down' : 'up'),
      el('td', { class: 'num' }, l.capacity_mbps >= 1000 ? `${l.capacity_mbps / 1000} Gb/s` : `${l.capacity_mbps} Mb/s`),
      ...cell(ab), ...cell(ba));
  });
  patch($('#links-table tbody'), rows);
}

// ---------- classes ----------

function flowCell(f) {
  if (!f) return el('td', { class: 'empty' }, '-');
  const path = f.multipath?.length
    ? f.multipath.map((w) => el('div', { class: 'path' }, `${pathText(w.path)} `, el('span', { class: 'tag' }, `weight ${w.weight}`)))
    : [el('div', { class: 'path' }, pathText(f.path))];
  const tags = [];
  if (f.pin?.length) tags.push(el('span', { class: 'tag pin', title: 'pinned (mode static)' }, f.pin_fallback ? `pin ${pathText(f.pin)} is down` : 'pinned'));
  else tags.push(el('span', { class: 'tag' }, f.mode));
  const backup = !f.fast_reroute ? 'fast reroute off' : f.backup?.length ? `backup ${pathText(f.backup)}${f.backup_shared_links?.length ? ` (shares ${f.backup_shared_links.join(', ')})` : ''}` : 'no backup';
  return el('td', { class: `dir-${f.direction}` }, ...path,
    el('div', { class: 'sub' }, mbps(f.rate_mbps), ` · path ${pct(f.path_utilization)}`, ...tags),
    el('div', { class: 'sub' }, backup, ` · ${f.switches} switches`));
}

function renderFlows() {
  const classes = state.view?.topology.classes ?? [];
  const of = (cls, dir) => state.flows.find((f) => f.class === cls && f.direction === dir);
  const rows = classes.map((c) => el('tr', { class: state.selected === c ? 'selected' : '', dataset: { class: c } },
    el('td', {}, el('span', { class: 'swatch', style: `background:${classColour(c)}` }), el('b', {}, c)),
    flowCell(of(c, 'forward')), flowCell(of(c, 'reverse'))));
  patch($('#flows-table tbody'), rows);
  state.graph?.setFlows(state.flows, { selected: state.selected, showPaths: $('#show-paths').checked, showBackups: $('#show-backups').checked, colourOf: classColour });
}

// ---------- a class: candidates, reasoning, pin ----------

let detailTimer;
function select(cls) {
  state.selected = cls;
  $('#detail').hidden = !cls;
  $('#detail-result').textContent = '';
  delete $('#detail-result').dataset.outcome;
  renderFlows();
  clearInterval(detailTimer);
  if (!cls) return;
  $('#detail-title').textContent = `${cls}: candidate paths and the policy's reasoning`;
  void loadDetail();
  detailTimer = setInterval(() => void loadDetail(), DETAIL_REFRESH_MS);
}

async function loadDetail() {
  const cls = state.selected;
  if (!cls) return;
  try {
    const [paths, analysis] = await Promise.all([api(`/api/paths?class=${encodeURIComponent(cls)}`), api('/api/analyze')]);
    if (state.selected !== cls) return;
    renderPaths(cls, paths.sets);
    renderAnalysis(analysis.decisions.filter((d) => d.class === cls));
  } catch (e) {
    $('#detail-paths').replaceChildren(el('div', { class: 'failed' }, e.message));
  }
}

function renderPaths(cls, sets) {
  const answered = (p) => p && p.window_probes > 0 && p.loss < 1;
  const blocks = sets.map((s) => el('div', { class: 'paths', dataset: { class: cls, direction: s.direction } },
    el('h4', {}, `${s.direction}`, el('small', {}, ` ${s.paths[0]?.path[0] ?? ''} → ${s.paths[0]?.path.at(-1) ?? ''}`)),
    s.paths.length ? el('table', {},
      el('thead', {}, el('tr', {}, el('th', {}, 'path'), el('th', { class: 'num' }, 'hops'), el('th', { class: 'num', title: 'bottleneck utilisation with the class moved there' }, 'cost'),
        el('th', { class: 'num' }, 'loss'), el('th', { class: 'num' }, 'delay p50'), el('th', { class: 'num' }, 'p99'), el('th', {}, 'probes'), el('th', {}))),
      el('tbody', {}, ...s.paths.map((p) => el('tr', { dataset: { path: p.path.join(',') } },
        el('td', { class: 'path' }, pathText(p.path), p.current ? el('span', { class: 'tag current' }, 'current') : null, p.backup ? el('span', { class: 'tag backup' }, 'backup') : null),
        el('td', { class: 'num' }, p.hops), el('td', { class: 'num' }, p.cost >= 0 ? pct(p.cost) : '∞'),
        el('td', { class: 'num' }, p.probe ? pct(p.probe.loss) : '-'),
        el('td', { class: 'num' }, answered(p.probe) ? `${p.probe.delay_p50_ms.toFixed(3)} ms` : '-'),
        el('td', { class: 'num' }, answered(p.probe) ? `${p.probe.delay_p99_ms.toFixed(3)} ms` : '-'),
        el('td', { class: p.probe ? `state-${p.probe.state}` : '' }, p.probe?.state ?? 'not probed'),
        el('td', {}, el('button', { class: 'pin', disabled: p.current, title: p.current ? 'the class is on it' : `pin ${cls} ${s.direction} here` }, 'Pin'))))))
      : el('div', { class: 'empty' }, 'no usable path: every candidate crosses a down link')));
  patch($('#detail-paths'), blocks);
}

function renderAnalysis(decisions) {
  const rows = decisions.map((d) => el('tr', { dataset: { direction: d.direction } },
    el('td', {}, d.direction), el('td', {}, el('b', {}, d.action)),
    el('td', { class: 'path' }, pathText(d.current), d.proposed?.length && pathText(d.proposed) !== pathText(d.current) ? ` → ${pathText(d.proposed)}` : ''),
    el('td', { class: 'num' }, `${d.current_cost >= 0 ? pct(d.current_cost) : '∞'} → ${d.proposed_cost >= 0 ? pct(d.proposed_cost) : '∞'}`),
    el('td', { class: 'reason' }, d.reason, d.failed_constraint ? el('div', { class: 'failed' }, `failed constraint: ${d.failed_constraint}`) : null)));
  patch($('#detail-analyze'), [rows.length
    ? el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'dir'), el('th', {}, 'action'), el('th', {}, 'path'), el('th', { class: 'num' }, 'cost'), el('th', {}, 'why'))), el('tbody', {}, ...rows))
    : el('div', { class: 'empty' }, 'no decision for this class')]);
}

function confirmPin(cls, direction, path) {
  const dialog = $('#pin-dialog');
  $('#pin-question').textContent = `Pin ${cls} ${direction} to ${pathText(path)}?`;
  $('#pin-undo').textContent = `srv6ctl policy set --class ${cls} --direction ${direction} --mode least-utilized`;
  dialog.returnValue = '';
  dialog.onclose = () => {
    if (dialog.returnValue === 'pin') void pin(cls, direction, path);
  };
  dialog.showModal();
}

async function pin(cls, direction, path) {
  const out = $('#detail-result');
  out.className = '';
  delete out.dataset.outcome;
  out.textContent = `pinning ${cls} ${direction} to ${pathText(path)} ...`;
  try {
    const e = await api('/api/pin', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ class: cls, direction, path }) });
    out.textContent = `${cls} ${direction} pinned: ${pathText(e.from_path)} → ${pathText(e.to_path)} (switch #${e.id} on ${e.router} table ${e.table}; decision → kernel ack ${ms(e.timing?.decision_to_ack_us ?? -1)})`;
    out.dataset.outcome = 'ok';
  } catch (err) {
    out.className = 'error';
    out.textContent = `not pinned: ${err.message}`;
    out.dataset.outcome = 'error';
  }
  void loadDetail();
}

// ---------- switches ----------

function switchRow(e, fresh) {
  const t = e.timing;
  const latency = !e.ok ? el('span', { class: 'failed' }, `FAILED: ${e.error}`) : e.by === 'agent' ? `${ms(t?.decision_to_ack_us ?? -1)} (agent)` : ms(t?.decision_to_ack_us ?? -1);
  const to = e.multipath?.length ? e.multipath.map((w) => `${pathText(w.path)}×${w.weight}`).join(' + ') : pathText(e.to_path);
  return el('tr', { class: fresh ? 'new' : '', dataset: { id: e.id, class: e.class, direction: e.direction, trigger: e.trigger }, title: e.reason },
    el('td', { class: 'num' }, time(e.unix_ms)), el('td', { class: 'num' }, e.id),
    el('td', {}, el('span', { class: 'swatch', style: `background:${classColour(e.class)}` }), e.class), el('td', {}, dirShort(e.direction)),
    el('td', { class: `trigger-${e.trigger}` }, e.trigger), el('td', { class: 'path' }, `${pathText(e.from_path)} > ${to}`), el('td', { class: 'num' }, latency));
}

function addSwitch(e, fresh) {
  state.switches.push(e);
  if (state.switches.length > 1000) state.switches.shift();
  const body = $('#switches-table tbody');
  body.prepend(switchRow(e, fresh));
  while (body.children.length > TIMELINE_ROWS) body.lastChild.remove();
  scheduleLatency();
  if (fresh && e.class === state.selected) void loadDetail();
}

let latencyTimer;
function scheduleLatency() {
  if (latencyTimer) return;
  latencyTimer = setTimeout(() => {
    latencyTimer = undefined;
    state.charts?.latency.update(state.switches);
  }, 50);
}

// ---------- the live feed ----------

function connect() {
  state.es?.close();
  const es = new EventSource('/api/events?replay=200');
  state.es = es;
  let replaying = true;
  // one after the other: the events after hello wait for the view it may (re)load
  let chain = Promise.resolve();
  const on = (name, fn) => es.addEventListener(name, (m) => {
    const data = JSON.parse(m.data);
    chain = chain.then(() => (state.es === es ? fn(data) : undefined)).catch((e) => console.error(`${name}:`, e));
  });
  on('hello', async (h) => {
    state.retryMs = 1000;
    replaying = true;
    state.switches = [];
    $('#switches-table tbody').replaceChildren();
    if (h.instance !== state.instance) {
      state.instance = h.instance;
      try {
        await loadView();
      } catch (e) {
        setStatus('reconnecting', `reconnecting (${e.message})`);
        return;
      }
    }
    setStatus('live');
  });
  on('history', (h) => {
    state.lastSample = h.samples.at(-1)?.unix_ms ?? 0;
    state.charts?.classes.reset(h.samples);
    state.charts?.links.reset(h.samples);
  });
  on('switch', (e) => addSwitch(e, !replaying));
  on('flows', (f) => {
    replaying = false; // the replay ends with the first flows
    state.flows = f.flows;
    renderFlows();
  });
  on('utilization', (u) => {
    for (const l of u.links) state.util.set(`${l.from}>${l.to}`, l);
    $('#round').textContent = `round ${u.round} · ${time(u.unix_ms)}`;
    renderUtil();
  });
  on('sample', (s) => {
    if (s.unix_ms <= state.lastSample) return;
    state.lastSample = s.unix_ms;
    state.charts?.classes.push(s);
    state.charts?.links.push(s);
  });
  es.onerror = () => {
    if (state.es !== es) return;
    setStatus('reconnecting', 'reconnecting…');
    // the browser retries by itself unless the answer was not an event stream (a 401, say): then we do
    if (es.readyState === EventSource.CLOSED) {
      es.close();
      fetch('/api/view', { credentials: 'same-origin' }).then((r) => {
        if (r.status === 401) setStatus('unauthorized', 'unauthorized: open this page as /?token=TOKEN');
      }, () => undefined);
      setTimeout(connect, state.retryMs);
      state.retryMs = Math.min(5000, state.retryMs * 2);
    }
  };
}

// from the console (and the tests): srv6view.pin('low', 'forward', ['r1', 'r3', 'r5', 'r6']), no confirmation
state.pin = pin;
$('#flows-table tbody').addEventListener('click', (ev) => {
  const cls = ev.target.closest('tr')?.dataset.class;
  if (cls) select(state.selected === cls ? null : cls);
});
$('#detail-paths').addEventListener('click', (ev) => {
  const button = ev.target.closest('button.pin');
  const block = button?.closest('[data-direction]');
  if (button && !button.disabled && block) confirmPin(block.dataset.class, block.dataset.direction, button.closest('tr').dataset.path.split(','));
});
$('#show-paths').addEventListener('change', renderFlows);
$('#show-backups').addEventListener('change', renderFlows);
setInterval(() => {
  if (state.view) api('/api/policy').then((p) => { state.policy = p; renderLegend(); }, () => undefined);
}, 10_000);
connect();
