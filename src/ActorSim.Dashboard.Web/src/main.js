// The ActorSim dashboard page: a first snapshot from /api/snapshot, then live updates from /api/events (server-sent
// events), drawn with uPlot. Everything is bundled; nothing is fetched from anywhere but this server.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './style.css';

const token = new URLSearchParams(location.search).get('token');
const withToken = (url) => (token ? `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}` : url);
const $ = (id) => document.getElementById(id);
const fmt = (x, digits = 4) => (x === null || x === undefined || Number.isNaN(x) ? '–' : Math.abs(x) >= 1e5 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(digits - 1) : (+x.toPrecision(digits)).toString());
const seconds = (s) => (s === null || s === undefined ? '–' : s < 1e-3 ? `${(s * 1e6).toFixed(0)} µs` : s < 1 ? `${(s * 1e3).toFixed(1)} ms` : s < 120 ? `${s.toFixed(1)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`);
const bytes = (b) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(0)} MiB`);

let runId = null;          // the run shown
let runModel = null;       // its model
let runDone = null;        // its final state (completed, cancelled, failed) once it has ended
let lastField = null;      // the latest field preview
const history = [];        // its StepRecords
const events = [];         // its RunEvents
const charts = {};
const layouts = new Map(); // /api/layout answers by query
const sup = (e) => `10${String(Math.round(e)).replace(/-/g, '⁻').replace(/[0-9]/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[d])}`;

// The charts to draw for these columns and this field (the server groups them like actorsim plot does).
function layoutFor(columns, field) {
  const q = new URLSearchParams({ columns: columns.join(',') });
  if (runId) q.set('run', runId);
  if (field) { q.set('field', field.name); q.set('shape', field.full_shape.join(',')); }
  const key = q.toString();
  if (layouts.has(key)) return layouts.get(key);
  layouts.set(key, null);
  fetch(withToken(`/api/layout?${key}`)).then((r) => (r.ok ? r.json() : null)).then((l) => {
    if (!l) return;
    layouts.set(key, l);
    scheduleRedraw();
    if (lastField) showField(lastField);
  }).catch(() => layouts.delete(key));
  return null;
}

function chart(key, elementId, seriesNames, xLabel, yFormat, opts2 = {}) {
  const el = typeof elementId === 'string' ? $(elementId) : elementId;
  const existing = charts[key];
  const signature = [...seriesNames, opts2.yLabel ?? '', opts2.log ? 'log' : 'lin', xLabel, opts2.stepped ? 'step' : ''].join('\u0000');
  if (existing && existing.signature === signature) return existing;
  if (existing) existing.plot.destroy();
  const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  const yAxis = { size: 76, label: opts2.yLabel, labelSize: 22 };
  if (opts2.log) yAxis.values = (u, vals) => vals.map((v) => (v > 0 && Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9 ? sup(Math.log10(v)) : ''));
  else if (yFormat) yAxis.values = (u, vals) => vals.map(yFormat);
  const opts = {
    width: Math.max(300, el.clientWidth || 480),
    height: opts2.height ?? 220,
    scales: { x: { time: false }, y: opts2.log ? { distr: 3, log: 10 } : {} },
    axes: [{ label: xLabel, labelSize: 22 }, yAxis],
    series: [{ label: xLabel }, ...seriesNames.map((n, i) => ({
      label: n, stroke: palette[i % palette.length], width: 1.5,
      ...(opts2.stepped ? { paths: uPlot.paths.stepped({ align: 1 }), fill: 'rgba(31,119,180,0.2)' } : {}),
    }))],
    plugins: [eventLines(xLabel)],
  };
  const plot = new uPlot(opts, [[], ...seriesNames.map(() => [])], el);
  el.dataset.yLabel = opts2.yLabel ?? '';
  el.dataset.xLabel = xLabel;
  el.dataset.scale = opts2.log ? 'log' : 'linear';
  charts[key] = { plot, names: seriesNames, signature };
  return charts[key];
}

// Vertical marks for run events (checkpoints, failures, recoveries) on the charts over simulated time.
function eventLines(xLabel) {
  return {
    hooks: {
      draw: [(u) => {
        if (!xLabel.startsWith('t')) return;
        const ctx = u.ctx;
        ctx.save();
        for (const e of events) {
          if (e.t === null || e.t === undefined) continue;
          const x = u.valToPos(e.t, 'x', true);
          if (!(x >= u.bbox.left && x <= u.bbox.left + u.bbox.width)) continue;
          ctx.strokeStyle = e.kind === 'failure' || e.kind === 'failed' ? '#d62728' : e.kind === 'recovery' ? '#2ca02c' : '#999';
          ctx.setLineDash([4, 4]);
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
        }
        ctx.restore();
      }],
    },
  };
}

// Positive values spanning two decades: a log axis.
const spansDecades = (vals) => {
  let lo = Infinity, hi = 0;
  for (const v of vals) { if (v === null || !Number.isFinite(v)) continue; if (v <= 0) return false; lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return hi > 0 && hi / lo >= 100;
};

// One chart per quantity family, each with its own axis: values (log when they span decades) or, for conserved
// quantities, the deviation from the first row relative to it (|deviation| on a log axis when it spans decades).
function redrawFamilies(rows) {
  const box = $('families');
  const columns = rows.length ? [...new Set([...Object.keys(rows[rows.length - 1].state), ...Object.keys(rows[rows.length - 1].diagnostics)])] : [];
  if (!columns.length) { box.dataset.state = 'empty'; if (!box.querySelector('.family')) box.textContent = 'no output yet'; return; }
  const layout = layoutFor(columns, null);
  if (!layout) return;
  if (box.dataset.state !== 'charts') { box.textContent = ''; box.dataset.state = 'charts'; }
  const value = (r, c) => r.state[c] ?? r.diagnostics[c] ?? null;
  const t = rows.map((r) => r.state_t);
  // Every chart's box first, so each is measured in its own grid cell.
  for (const fam of layout.families) {
    if (box.querySelector(`.family[data-family="${CSS.escape(fam.key)}"]`)) continue;
    const holder = document.createElement('div');
    holder.className = 'family';
    holder.dataset.family = fam.key;
    holder.innerHTML = '<h3></h3><div class="plot"></div>';
    holder.querySelector('h3').textContent = fam.title;
    box.appendChild(holder);
  }
  for (const fam of layout.families) {
    let series = fam.members.map((m) => rows.map((r) => value(r, m.column)));
    let yLabel = fam.y_label;
    let log;
    if (fam.kind === 'deviation') {
      let relative = true;
      series = series.map((ys) => { const y0 = ys[0]; relative &&= y0 !== 0; return ys.map((v) => (v === null || y0 === null ? null : y0 !== 0 ? (v - y0) / Math.abs(y0) : v - y0)); });
      if (!relative) yLabel = 'Q(t) − Q(0)';
      const abs = series.flat().map((v) => (v === null ? null : Math.abs(v))).filter((v) => v !== null && v > 0);
      log = spansDecades(abs);
      if (log) { series = series.map((ys) => ys.map((v) => (v === null || v === 0 ? null : Math.abs(v)))); yLabel = relative ? '|Q(t) − Q(0)| / |Q(0)|' : '|Q(t) − Q(0)|'; }
    } else {
      log = spansDecades(series.flat().filter((v) => !(fam.key === 'drift' && v === 0)));
      if (log && fam.key === 'drift') series = series.map((ys) => ys.map((v) => (v > 0 ? v : null)));
    }
    const holder = box.querySelector(`.family[data-family="${CSS.escape(fam.key)}"]`);
    holder.dataset.kind = fam.kind;
    const c = chart(`family:${fam.key}`, holder.querySelector('.plot'), fam.members.map((m) => m.name), 't [T]', (v) => fmt(v, 4), { yLabel, log });
    c.plot.setData([t, ...series]);
  }
}

function redrawCharts() {
  const outputs = history.filter((r) => r.state_t !== null);
  // State and diagnostics: one point per output row (they change only there).
  const byT = new Map();
  for (const r of outputs) byT.set(r.state_t, r);
  const rows = [...byT.values()].sort((a, b) => a.state_t - b.state_t);
  redrawFamilies(rows);
  const timed = history.filter((r) => r.step_wall_s !== null);
  const split = ['step_wall_s', 'compute_s', 'halo_wait_s', 'reduction_s', 'coordinator_s'];
  const ct = chart('time', 'chart-time', ['wall', 'compute', 'halo wait', 'reduction', 'coordinator'], 'wall time [s]', seconds, { yLabel: 'seconds per step' });
  ct.plot.setData([timed.map((r) => r.wall_s), ...split.map((k) => timed.map((r) => r[k]))]);
  const ci = chart('imbalance', 'chart-imbalance', ['imbalance'], 'wall time [s]', null, { yLabel: 'max / mean block compute' });
  ci.plot.setData([timed.map((r) => r.wall_s), timed.map((r) => r.imbalance)]);
}

function showRecord(r) {
  $('progress').value = r.progress;
  const pct = (100 * r.progress).toFixed(1);
  $('progress-value').textContent = `${pct} %`;
  $('progress-value').dataset.progress = String(r.progress);
  const ended = runDone !== null || r.progress >= 1;
  $('eta').textContent = `t = ${fmt(r.t)} / ${fmt(r.t_end)}, step ${r.step}, elapsed ${seconds(r.wall_s)}, `
    + (ended ? (runDone && runDone !== 'completed' ? runDone : 'done') : `ETA ${r.eta_s === null || r.eta_s === undefined ? '–' : seconds(Math.max(r.eta_s, 1))}`);
  const figures = [
    ['dt', fmt(r.dt)], ['steps/s', fmt(r.steps_per_s, 3)], ['wall/step', seconds(r.step_wall_s)], ['compute', seconds(r.compute_s)],
    ['halo wait', seconds(r.halo_wait_s)], ['reduction', seconds(r.reduction_s)], ['coordinator', seconds(r.coordinator_s)],
    ['slowest block', r.slowest_block ?? '–'], ['imbalance', fmt(r.imbalance, 3)], ['blocks', r.blocks ?? '–'],
    ['heartbeat age', seconds(r.heartbeat_age_s)],
    ['last checkpoint', r.last_checkpoint_step === null ? '–' : `step ${r.last_checkpoint_step}, ${seconds(r.last_checkpoint_age_s)} ago`],
  ];
  $('run-figures').innerHTML = figures.map(([k, v]) => `<div><span>${k}</span><b>${v}</b></div>`).join('');
}

// The run has ended: the badges say so (no "live", no ETA).
function markDone(state) {
  runDone = state;
  $('run-status').textContent = state;
  $('run-status').dataset.state = state;
  $('connection').textContent = 'done';
  $('connection').dataset.state = 'done';
  const last = history[history.length - 1];
  if (last) showRecord(last);
  if (!lastField) showField(null);
}

function showInfo(info, status) {
  runId = info.run_id;
  runModel = info.model;
  $('run-id').textContent = info.run_id;
  $('run-model').textContent = `${info.model} · ${info.scenario} · ${info.runtime}${info.blocks ? ` · ${info.blocks} blocks` : ''}`;
  if (status) { $('run-status').textContent = status; $('run-status').dataset.state = status; }
  if (['completed', 'cancelled', 'failed'].includes(status)) markDone(status);
}

// An event is shown once, whether it came in a snapshot, live, or both (a resync after a reconnect).
const eventKeys = new Set();
const eventKey = (e) => `${e.run_id}|${e.kind}|${e.time_utc}|${e.step}|${e.text}`;

function addEvent(e) {
  const key = eventKey(e);
  if (eventKeys.has(key)) return;
  eventKeys.add(key);
  events.push(e);
  const li = document.createElement('li');
  li.className = 'event';
  li.dataset.kind = e.kind;
  li.innerHTML = `<span class="kind">${e.kind}</span> <time>${new Date(e.time_utc).toLocaleTimeString()}</time> ${e.step !== null ? `step ${e.step}` : ''} ${e.t !== null ? `t = ${fmt(e.t)}` : ''} <span class="text"></span>`;
  li.querySelector('.text').textContent = e.text;
  $('events').prepend(li);
  if (['completed', 'cancelled', 'failed'].includes(e.kind)) markDone(e.kind);
}

function showNodes(nodes) {
  const body = $('nodes').querySelector('tbody');
  body.innerHTML = '';
  for (const n of nodes) {
    const tr = document.createElement('tr');
    tr.className = 'node';
    tr.dataset.node = n.node_id;
    const blocks = (n.hosted_runs || []).map((h) => h.blocks.join(', ')).join('; ');
    const age = n.heartbeat_age_s;
    tr.innerHTML = `<td class="name"></td><td>${(n.roles || []).join(', ')}</td><td>${n.is_leader ? '★' : ''}</td>` +
      `<td class="${age !== null && age > 2 ? 'warn' : ''}">${seconds(age)}</td><td>${n.cpu_percent.toFixed(0)} %</td><td>${bytes(n.working_set_bytes)}</td><td>${blocks || '–'}</td>`;
    tr.querySelector('.name').textContent = n.node_id;
    body.appendChild(tr);
  }
}

// A sweep's members: one row each (swept values, status, progress, wall time); the heading counts them.
function showSweep(sw) {
  if (!sw) return;
  $('sweep-view').hidden = false;
  $('sweep-summary').textContent = `${sw.directory}: ${sw.done}/${sw.total} done, ${sw.running} running, ${sw.failed} failed`;
  const body = $('sweep-members').querySelector('tbody');
  body.innerHTML = '';
  for (const m of sw.members) {
    const tr = document.createElement('tr');
    tr.className = 'member';
    tr.dataset.member = m.name;
    tr.dataset.status = m.status;
    tr.innerHTML = '<td class="name"></td><td class="values"></td><td class="status"></td>' +
      `<td><progress max="1" value="${m.progress ?? 0}"></progress> ${m.progress === null ? '–' : `${(100 * m.progress).toFixed(0)} %`}</td><td>${seconds(m.wall_s)}</td>`;
    tr.querySelector('.name').textContent = m.name;
    tr.querySelector('.values').textContent = m.values.join(', ');
    tr.querySelector('.status').textContent = m.status;
    body.appendChild(tr);
  }
}

// Viridis at 9 stops, interpolated.
const VIRIDIS = [[68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141], [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37]];
function viridis(s) {
  const x = Math.min(1, Math.max(0, s)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x)), f = x - i;
  return VIRIDIS[i].map((c, k) => Math.round(c + f * (VIRIDIS[i + 1][k] - c)));
}

// About n round tick values between lo and hi.
function niceTicks(lo, hi, n = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((m) => m >= raw) ?? 10 * mag;
  const ticks = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step) ticks.push(Math.abs(v) < 1e-12 * step ? 0 : v);
  return ticks;
}

// A 2D field: heatmap (row 0 at the bottom) with x and y axes in the run's coordinates and a labelled colour bar.
function drawHeatmap(el, f, g) {
  let canvas = el.querySelector('canvas.heatmap');
  if (!canvas) { el.textContent = ''; canvas = document.createElement('canvas'); canvas.className = 'heatmap'; el.appendChild(canvas); }
  const W = 560, H = 430, left = 66, right = 110, top = 10, bottom = 52;
  const dpr = window.devicePixelRatio || 1;
  canvas.width = W * dpr; canvas.height = H * dpr; canvas.style.width = `${W}px`; canvas.style.height = `${H}px`;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, W, H);
  const [rows, cols] = f.shape;
  const nx = g.transposed ? rows : cols, ny = g.transposed ? cols : rows;
  const at = (i, j) => (g.transposed ? f.values[i * cols + j] : f.values[j * cols + i]); // i along x, j along y
  let lo = Infinity, hi = -Infinity;
  for (const v of f.values) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const pw = W - left - right, ph = H - top - bottom;
  const img = document.createElement('canvas'); img.width = nx; img.height = ny;
  const ictx = img.getContext('2d'), data = ictx.createImageData(nx, ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const v = at(i, j), k = 4 * ((ny - 1 - j) * nx + i);
    const [r, gg, b] = Number.isFinite(v) ? viridis(hi > lo ? (v - lo) / (hi - lo) : 0.5) : [128, 128, 128];
    data.data[k] = r; data.data[k + 1] = gg; data.data[k + 2] = b; data.data[k + 3] = 255;
  }
  ictx.putImageData(data, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(img, left, top, pw, ph);
  ctx.strokeStyle = '#333'; ctx.strokeRect(left, top, pw, ph);
  ctx.fillStyle = '#222'; ctx.font = '12px system-ui, sans-serif';
  ctx.textAlign = 'center'; ctx.textBaseline = 'top';
  for (const v of niceTicks(g.x0, g.x1)) { const x = left + (v - g.x0) / (g.x1 - g.x0) * pw; ctx.fillRect(x, top + ph, 1, 4); ctx.fillText(fmt(v, 3), x, top + ph + 6); }
  ctx.fillText(g.x_label, left + pw / 2, top + ph + 26);
  ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
  for (const v of niceTicks(g.y0, g.y1)) { const y = top + ph - (v - g.y0) / (g.y1 - g.y0) * ph; ctx.fillRect(left - 4, y, 4, 1); ctx.fillText(fmt(v, 3), left - 6, y); }
  ctx.save(); ctx.translate(14, top + ph / 2); ctx.rotate(-Math.PI / 2); ctx.textAlign = 'center'; ctx.fillText(g.y_label, 0, 0); ctx.restore();
  // Colour bar.
  const bx = left + pw + 16, bw = 16;
  for (let y = 0; y < ph; y++) { const [r, gg, b] = viridis(1 - y / ph); ctx.fillStyle = `rgb(${r},${gg},${b})`; ctx.fillRect(bx, top + y, bw, 1); }
  ctx.strokeStyle = '#333'; ctx.strokeRect(bx, top, bw, ph);
  ctx.fillStyle = '#222'; ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
  const ticks = hi > lo ? niceTicks(lo, hi) : [lo];
  for (const v of ticks) { const y = top + ph - (hi > lo ? (v - lo) / (hi - lo) : 0.5) * ph; ctx.fillRect(bx + bw, y, 4, 1); ctx.fillText(fmt(v, 3), bx + bw + 6, y); }
  ctx.save(); ctx.translate(W - 10, top + ph / 2); ctx.rotate(Math.PI / 2); ctx.textAlign = 'center'; ctx.fillText(g.value_label, 0, 0); ctx.restore();
  canvas.dataset.xLabel = g.x_label; canvas.dataset.yLabel = g.y_label; canvas.dataset.valueLabel = g.value_label;
  canvas.dataset.colorbar = `${fmt(lo)}..${fmt(hi)}`;
}

function showField(f) {
  const el = $('field-view');
  if (!f) {
    // No field yet, or a model that writes none: say so instead of a blank panel.
    if (el.querySelector('canvas, .uplot')) return;
    el.dataset.state = 'none';
    el.innerHTML = '<p class="note"></p>';
    el.querySelector('.note').textContent = runDone
      ? `This run wrote no field snapshot: ${runModel ?? 'the model'} has no spatial field or particle histogram to show (its particles are summarised by the charts above).`
      : 'No field snapshot yet (models without a spatial field or particle histogram write none).';
    return;
  }
  if (lastField && f !== lastField && f.t < lastField.t) return; // an older preview (replayed after a snapshot)
  lastField = f;
  el.dataset.state = 'field';
  el.querySelector('p.note')?.remove();
  $('field-name').textContent = `${f.name} at t = ${fmt(f.t)} (${f.full_shape.join(' × ')})`;
  const layout = layoutFor([], f);
  const fallback = f.shape.length === 2
    ? { x0: 0, x1: f.full_shape[1], x_label: 'cell index i', y0: 0, y1: f.full_shape[0], y_label: 'cell index j', value_label: f.name, histogram: false, transposed: false }
    : { x0: 0, x1: f.full_shape[0], x_label: 'cell index i', value_label: f.name, histogram: false };
  const g = layout?.field ?? fallback;
  if (f.shape.length === 2) {
    if (charts.field) { charts.field.plot.destroy(); delete charts.field; }
    drawHeatmap(el, f, g);
  } else {
    el.querySelector('canvas.heatmap')?.remove();
    const n = f.values.length, dx = (g.x1 - g.x0) / n;
    const c = chart('field', 'field-view', [g.histogram ? `${f.name} (histogram)` : f.name], g.x_label, (v) => fmt(v, 3), { yLabel: g.value_label, stepped: g.histogram, height: 300 });
    const xs = f.values.map((_, i) => g.x0 + (g.histogram ? i : i + 0.5) * dx);
    const ys = [...f.values];
    if (g.histogram) { xs.push(g.x1); ys.push(f.values[n - 1]); }
    c.plot.setData([xs, ys]);
  }
}

let redrawPending = false;
function scheduleRedraw() {
  if (redrawPending) return;
  redrawPending = true;
  setTimeout(() => { redrawPending = false; redrawCharts(); }, 250);
}

function onRecord(r) {
  if (runId && r.run_id !== runId) return;
  // Records come in wall-clock order; one already held (from a snapshot taken after it went out live) is skipped.
  const last = history[history.length - 1];
  if (last && r.wall_s <= last.wall_s) return;
  history.push(r);
  if (history.length > 4000) history.splice(0, history.length - 4000);
  showRecord(r);
  scheduleRedraw();
}

// Everything so far, from /api/snapshot: on the first paint, and again after the live stream reconnected (what went
// out while it was down is in the snapshot; what both carry is shown once).
async function applySnapshot(first) {
  const response = await fetch(withToken('/api/snapshot'));
  if (!response.ok) { $('connection').textContent = `error ${response.status}`; return false; }
  const snap = await response.json();
  $('source').textContent = snap.source;
  showNodes(snap.nodes);
  showSweep(snap.sweep);
  // A sweep's page (sweep --dashboard, dashboard --sweep) has no run of its own: only the members' table is shown.
  if (snap.sweep && snap.runs.length === 0) document.body.classList.add('sweep-only');
  const run = first ? snap.runs[snap.runs.length - 1] : snap.runs.find((r) => r.info.run_id === runId);
  if (run) {
    showInfo(run.info, run.status);
    for (const e of [...run.events].sort((a, b) => a.time_utc.localeCompare(b.time_utc))) addEvent(e);
    for (const r of run.history) onRecord(r);
    if (run.field) showField(run.field);
  }
  if (first && !run?.field) showField(null);
  return true;
}

// The live stream is opened before the snapshot is taken, so nothing published in between is lost: the server
// subscribes this page before it sends 'hello', and what arrives before the snapshot is applied waits for it.
async function start() {
  const stream = new EventSource(withToken('/api/events'));
  let applied = false;
  const early = [];
  const on = (name, handle) => stream.addEventListener(name, (m) => {
    const data = JSON.parse(m.data);
    if (applied) handle(data); else early.push(() => handle(data));
  });
  on('record', (r) => onRecord(r));
  on('event', (e) => { if (!runId || e.run_id === runId) { addEvent(e); scheduleRedraw(); } });
  on('field', (f) => { if (!runId || f.run_id === runId) showField(f); });
  on('nodes', (n) => showNodes(n));
  on('sweep', (sw) => showSweep(sw));
  on('info', (i) => { if (!runId || i.run_id === runId) showInfo(i, null); });

  let hellos = 0;
  let subscribed;
  const firstHello = new Promise((resolve) => { subscribed = resolve; });
  stream.addEventListener('hello', () => {
    hellos += 1;
    if (hellos === 1) { subscribed(); return; }
    if (!runDone) applySnapshot(false).catch(() => {}); // reconnected: catch up on what went out meanwhile
  });
  stream.onopen = () => { if (runDone) return; $('connection').textContent = 'live'; $('connection').dataset.state = 'live'; };
  stream.onerror = () => {
    if (runDone) { stream.close(); return; } // the run has ended and its server may go away: nothing more will come
    $('connection').textContent = 'reconnecting…'; $('connection').dataset.state = 'connecting';
  };
  // Should the stream not come up (a proxy that buffers it), the page still shows the snapshot.
  await Promise.race([firstHello, new Promise((resolve) => setTimeout(resolve, 5000))]);
  const ok = await applySnapshot(true);
  applied = true;
  if (ok) for (const handle of early.splice(0)) handle();
}

start().catch((e) => { $('connection').textContent = `error: ${e.message}`; });
