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
const history = [];        // its StepRecords
const events = [];         // its RunEvents
const charts = {};

function chart(key, elementId, seriesNames, xLabel, yFormat) {
  const el = $(elementId);
  const existing = charts[key];
  if (existing && existing.names.join('\u0000') === seriesNames.join('\u0000')) return existing;
  if (existing) existing.plot.destroy();
  const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  const opts = {
    width: Math.max(300, el.clientWidth || 480),
    height: 220,
    scales: { x: { time: false } },
    axes: [{ label: xLabel }, yFormat ? { values: (u, vals) => vals.map(yFormat), size: 70 } : {}],
    series: [{ label: xLabel }, ...seriesNames.map((n, i) => ({ label: n, stroke: palette[i % palette.length], width: 1.5 }))],
    plugins: [eventLines(xLabel)],
  };
  const plot = new uPlot(opts, [[], ...seriesNames.map(() => [])], el);
  charts[key] = { plot, names: seriesNames };
  return charts[key];
}

// Vertical marks for run events (checkpoints, failures, recoveries) on the charts over simulated time.
function eventLines(xLabel) {
  return {
    hooks: {
      draw: [(u) => {
        if (xLabel !== 't') return;
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

function redrawCharts() {
  const outputs = history.filter((r) => r.state_t !== null);
  // State and diagnostics: one point per output row (they change only there).
  const byT = new Map();
  for (const r of outputs) byT.set(r.state_t, r);
  const rows = [...byT.values()].sort((a, b) => a.state_t - b.state_t);
  for (const [key, field, el] of [['state', 'state', 'chart-state'], ['diag', 'diagnostics', 'chart-diagnostics']]) {
    const names = rows.length ? Object.keys(rows[rows.length - 1][field]) : [];
    if (!names.length) { $(el).textContent = field === 'state' ? 'no output yet' : 'the model reports no diagnostics'; if (charts[key]) { charts[key].plot.destroy(); delete charts[key]; } continue; }
    if (!charts[key]) $(el).textContent = '';
    const c = chart(key, el, names, 't');
    c.plot.setData([rows.map((r) => r.state_t), ...names.map((n) => rows.map((r) => r[field][n] ?? null))]);
  }
  const timed = history.filter((r) => r.step_wall_s !== null);
  const split = ['step_wall_s', 'compute_s', 'halo_wait_s', 'reduction_s', 'coordinator_s'];
  const ct = chart('time', 'chart-time', ['wall', 'compute', 'halo wait', 'reduction', 'coordinator'], 'wall s', seconds);
  ct.plot.setData([timed.map((r) => r.wall_s), ...split.map((k) => timed.map((r) => r[k]))]);
  const ci = chart('imbalance', 'chart-imbalance', ['imbalance'], 'wall s');
  ci.plot.setData([timed.map((r) => r.wall_s), timed.map((r) => r.imbalance)]);
}

function showRecord(r) {
  $('progress').value = r.progress;
  const pct = (100 * r.progress).toFixed(1);
  $('progress-value').textContent = `${pct} %`;
  $('progress-value').dataset.progress = String(r.progress);
  $('eta').textContent = `t = ${fmt(r.t)} / ${fmt(r.t_end)}, step ${r.step}, wall ${seconds(r.wall_s)}, ETA ${seconds(r.eta_s)}`;
  const figures = [
    ['dt', fmt(r.dt)], ['steps/s', fmt(r.steps_per_s, 3)], ['wall/step', seconds(r.step_wall_s)], ['compute', seconds(r.compute_s)],
    ['halo wait', seconds(r.halo_wait_s)], ['reduction', seconds(r.reduction_s)], ['coordinator', seconds(r.coordinator_s)],
    ['slowest block', r.slowest_block ?? '–'], ['imbalance', fmt(r.imbalance, 3)], ['blocks', r.blocks ?? '–'],
    ['heartbeat age', seconds(r.heartbeat_age_s)],
    ['last checkpoint', r.last_checkpoint_step === null ? '–' : `step ${r.last_checkpoint_step}, ${seconds(r.last_checkpoint_age_s)} ago`],
  ];
  $('run-figures').innerHTML = figures.map(([k, v]) => `<div><span>${k}</span><b>${v}</b></div>`).join('');
}

function showInfo(info, status) {
  runId = info.run_id;
  $('run-id').textContent = info.run_id;
  $('run-model').textContent = `${info.model} · ${info.scenario} · ${info.runtime}${info.blocks ? ` · ${info.blocks} blocks` : ''}`;
  if (status) { $('run-status').textContent = status; $('run-status').dataset.state = status; }
}

function addEvent(e) {
  events.push(e);
  const li = document.createElement('li');
  li.className = 'event';
  li.dataset.kind = e.kind;
  li.innerHTML = `<span class="kind">${e.kind}</span> <time>${new Date(e.time_utc).toLocaleTimeString()}</time> ${e.step !== null ? `step ${e.step}` : ''} ${e.t !== null ? `t = ${fmt(e.t)}` : ''} <span class="text"></span>`;
  li.querySelector('.text').textContent = e.text;
  $('events').prepend(li);
  if (['completed', 'cancelled', 'failed'].includes(e.kind)) { $('run-status').textContent = e.kind; $('run-status').dataset.state = e.kind; }
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

function showField(f) {
  if (!f) return;
  $('field-name').textContent = `${f.name} at t = ${fmt(f.t)} (${f.full_shape.join(' × ')})`;
  const el = $('field-view');
  if (f.shape.length === 2) {
    if (charts.field) { charts.field.plot.destroy(); delete charts.field; }
    let canvas = el.querySelector('canvas.heatmap');
    if (!canvas) { el.textContent = ''; canvas = document.createElement('canvas'); canvas.className = 'heatmap'; el.appendChild(canvas); }
    const [rows, cols] = f.shape;
    canvas.width = cols; canvas.height = rows;
    const ctx = canvas.getContext('2d');
    const img = ctx.createImageData(cols, rows);
    let lo = Infinity, hi = -Infinity;
    for (const v of f.values) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
      const v = f.values[r * cols + c];
      const s = hi > lo ? (v - lo) / (hi - lo) : 0.5;
      const i = 4 * ((rows - 1 - r) * cols + c); // row 0 at the bottom
      img.data[i] = 68 + 185 * s; img.data[i + 1] = 1 + 230 * s * (1.2 - s); img.data[i + 2] = 84 + 60 * (1 - s); img.data[i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  } else {
    el.querySelector('canvas.heatmap')?.remove();
    const c = chart('field', 'field-view', [f.name], 'cell');
    c.plot.setData([f.values.map((_, i) => i), f.values]);
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
  history.push(r);
  if (history.length > 4000) history.splice(0, history.length - 4000);
  showRecord(r);
  scheduleRedraw();
}

async function start() {
  const response = await fetch(withToken('/api/snapshot'));
  if (!response.ok) { $('connection').textContent = `error ${response.status}`; return; }
  const snap = await response.json();
  $('source').textContent = snap.source;
  showNodes(snap.nodes);
  const run = snap.runs[snap.runs.length - 1];
  if (run) {
    showInfo(run.info, run.status);
    for (const e of run.events) addEvent(e);
    for (const r of run.history) onRecord(r);
    showField(run.field);
  }
  const stream = new EventSource(withToken('/api/events'));
  stream.onopen = () => { $('connection').textContent = 'live'; $('connection').dataset.state = 'live'; };
  stream.onerror = () => { $('connection').textContent = 'reconnecting…'; $('connection').dataset.state = 'connecting'; };
  stream.addEventListener('record', (m) => onRecord(JSON.parse(m.data)));
  stream.addEventListener('event', (m) => { const e = JSON.parse(m.data); if (!runId || e.run_id === runId) { addEvent(e); scheduleRedraw(); } });
  stream.addEventListener('field', (m) => { const f = JSON.parse(m.data); if (!runId || f.run_id === runId) showField(f); });
  stream.addEventListener('nodes', (m) => showNodes(JSON.parse(m.data)));
  stream.addEventListener('info', (m) => { const i = JSON.parse(m.data); if (!runId || i.run_id === runId) showInfo(i, null); });
}

start().catch((e) => { $('connection').textContent = `error: ${e.message}`; });
