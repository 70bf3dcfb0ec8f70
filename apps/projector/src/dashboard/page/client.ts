/**
 * The dashboard's browser script (plain ES2020, no build step): fetches the
 * summary for the period, draws it, and polls the recent calls every 2 s.
 * Each chart records how many points it drew in data-points (the browser test reads it).
 */
export const DASHBOARD_CLIENT = String.raw`
'use strict';
const charts = {};
const hhmm = (t) => new Date(t).toISOString().slice(5, 16).replace('T', ' ');
const localInput = (t) => new Date(t).toISOString().slice(0, 16);

function chart(id, option, points) {
  const el = document.getElementById(id);
  charts[id] = charts[id] || echarts.init(el);
  charts[id].setOption(option, true);
  el.dataset.points = String(points);
}

function series(rows, stacked) {
  const hours = [...new Set(rows.map((r) => r.hour))].sort();
  const keys = [...new Set(rows.map((r) => r.key))].sort();
  return {
    tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 40, right: 10, top: 30, bottom: 40 },
    xAxis: { type: 'category', data: hours.map(hhmm) }, yAxis: { type: 'value', minInterval: 1 },
    series: keys.map((key) => ({
      name: key, type: 'bar', stack: stacked ? 'calls' : undefined,
      data: hours.map((h) => (rows.find((r) => r.hour === h && r.key === key) || { calls: 0 }).calls),
    })),
  };
}

function drawPool(data) {
  const t = data.pool.map((w) => hhmm(w.t));
  const seed = data.pool.map((w) => w.sessions * data.listingsPerSession);
  const top = Math.max(1, ...seed, ...data.pool.map((w) => w.available + w.displayed + w.locked + w.cooling));
  // A cap far above the pool would flatten it: then the cap is named, not drawn.
  const capShown = data.poolMax <= top * 1.5;
  document.getElementById('pool-cap-note').textContent = capShown ? '' : 'POOL_MAX ' + data.poolMax + ' is above this scale.';
  const area = (name, key) => ({ name, type: 'line', stack: 'pool', areaStyle: {}, symbol: 'none', data: data.pool.map((w) => w[key]) });
  chart('chart-pool', {
    tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 50, right: 10, top: 30, bottom: 40 },
    xAxis: { type: 'category', data: t }, yAxis: { type: 'value', name: 'numbers' },
    series: [
      area('available', 'available'), area('displayed', 'displayed'), area('locked', 'locked'), area('cooling', 'cooling'),
      { name: 'seed rule (sessions × ' + data.listingsPerSession + ')', type: 'line', symbol: 'none', lineStyle: { type: 'dashed' },
        data: seed },
      ...(capShown ? [{ name: 'POOL_MAX', type: 'line', symbol: 'none', lineStyle: { type: 'dotted', color: '#c00' }, data: data.pool.map(() => data.poolMax) }] : []),
    ],
  }, data.pool.length);
  chart('chart-overflow', {
    tooltip: { trigger: 'axis' }, grid: { left: 40, right: 10, top: 20, bottom: 40 },
    xAxis: { type: 'category', data: t }, yAxis: { type: 'value', minInterval: 1 },
    series: [{ name: 'overflow displays', type: 'bar', data: data.pool.map((w) => w.overflow) }],
  }, data.pool.length);
}

function table(id, columns, rows) {
  const esc = (v) => String(v === null || v === undefined ? '' : v).replace(/[&<>"]/g, (c) => '&#' + c.charCodeAt(0) + ';');
  document.getElementById(id).innerHTML =
    '<tr>' + columns.map((c) => '<th>' + esc(c) + '</th>').join('') + '</tr>' +
    rows.map((r) => '<tr>' + columns.map((c) => '<td>' + esc(r[c]) + '</td>').join('') + '</tr>').join('');
  document.getElementById(id).dataset.rows = String(rows.length);
}

function drawDeliveries(d) {
  document.getElementById('delivery-counts').innerHTML = ['pending', 'delivered', 'failing', 'gave_up']
    .map((k) => '<span><b id="deliveries-' + k + '">' + d[k] + '</b> ' + k.replace('_', ' ') + '</span>').join('');
  table('delivery-failing', ['call_sid', 'dealer_id', 'attempts', 'last_status', 'last_error', 'next_attempt_at'], d.failures);
}

function period() {
  const form = new FormData(document.getElementById('period'));
  const q = new URLSearchParams();
  for (const k of ['from', 'to']) if (form.get(k)) q.set(k, form.get(k) + ':00Z');
  return q;
}

async function load() {
  const q = period();
  const response = await fetch('/dashboard/api/summary?' + q);
  if (!response.ok) throw new Error('summary: HTTP ' + response.status);
  const data = await response.json();
  const form = document.getElementById('period');
  form.from.value = localInput(data.period.from);
  form.to.value = localInput(data.period.to);
  document.getElementById('period-note').textContent = 'UTC';
  const span = new URLSearchParams({ from: data.period.from, to: data.period.to });
  document.getElementById('export-calls').href = '/dashboard/export/calls.csv?' + span;
  document.getElementById('export-listings').href = '/dashboard/export/listing-performance.csv?' + span;
  drawPool(data);
  chart('chart-attribution', series(data.callsByAttribution, true), data.callsByAttribution.length);
  chart('chart-confidence', series(data.callsByConfidence, true), data.callsByConfidence.length);
  document.getElementById('resolution-note').textContent = data.callsByResolution ? '' : 'calls.resolved_by is not in this database yet.';
  chart('chart-resolution', series(data.callsByResolution || [], true), (data.callsByResolution || []).length);
  table('top-listings', ['listing_id', 'dealer_id', 'calls', 'answered_calls', 'displays'], data.topListings);
  table('top-dealers', ['dealer_id', 'calls', 'answered_calls', 'displays'], data.topDealers);
  drawDeliveries(data.deliveries);
}

async function recent() {
  const response = await fetch('/dashboard/api/recent-calls');
  if (!response.ok) return;
  const rows = await response.json();
  const columns = ['started_at', 'call_sid', 'listing_id', 'dealer_id', 'attribution', 'confidence', 'source', 'search_term', 'status', 'duration_s', 'answered'];
  if (rows.length && 'resolved_by' in rows[0]) columns.splice(6, 0, 'resolved_by');
  table('recent-calls', columns, rows);
  document.getElementById('recent-note').textContent = 'updated ' + new Date().toISOString().slice(11, 19) + ' UTC, every 2 s';
}

document.getElementById('period').addEventListener('submit', (e) => { e.preventDefault(); load(); });
window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));
load();
recent();
setInterval(recent, 2000);
setInterval(load, 30000);
`;
