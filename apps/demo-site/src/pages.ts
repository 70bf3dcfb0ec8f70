import { DemoListing, displayNumber, LISTINGS } from './catalog';

export interface PageSettings {
  allocatorUrl: string;
  snippetTimeoutMs: number;
}

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
header{background:#1d2330;color:#fff;padding:14px 28px;display:flex;gap:24px;align-items:center}
header a{color:#fff;text-decoration:none}header b{font-size:20px}
main{max-width:1040px;margin:24px auto;padding:0 20px}
.cards{display:grid;grid-template-columns:repeat(3,1fr);gap:16px}
.card,.listing{background:#fff;border-radius:8px;padding:16px;box-shadow:0 1px 3px #0002}
.photo{height:160px;border-radius:6px;margin-bottom:10px}
.listing{display:grid;grid-template-columns:3fr 2fr;gap:24px}.listing .photo{height:280px}
.phone{font-size:26px;font-weight:700;color:#0b6b3a;text-decoration:none}
.tier{font-size:12px;text-transform:uppercase;color:#667}
button{font-size:15px;padding:9px 14px;border-radius:6px;border:1px solid #99a;background:#fff;cursor:pointer;margin:4px 4px 4px 0}
button.call{background:#0b6b3a;color:#fff;border:0}
#call-result{margin-top:16px;font-size:14px;overflow-x:auto}
table{border-collapse:collapse;background:#fff;font-size:13px}td,th{border:1px solid #ccd;padding:5px 8px;text-align:left}
.note{color:#556;font-size:13px}`;

function escape(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(title: string, body: string, settings: PageSettings): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)} · Demo Motors directory</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,"><style>${STYLE}</style>
<script src="${escape(settings.allocatorUrl)}/v1/snippet.js" data-callpool-timeout="${settings.snippetTimeoutMs}" async></script>
</head><body>
<header><b><a href="/">Demo Motors</a></b><a href="/">Used cars</a><a href="/demo/calls">Calls (analyst view)</a></header>
<main>${body}</main></body></html>`;
}

export function indexPage(settings: PageSettings): string {
  const cards = LISTINGS.map(
    (listing) => `<div class="card">
<div class="photo" style="background:${listing.colour}"></div>
<div class="tier">${escape(listing.dealer.name)} · ${listing.dealer.tier}</div>
<h3><a href="/cars/${listing.listingId}">${escape(listing.title)}</a></h3><div>${listing.price} · ${listing.mileage}</div></div>`,
  ).join('\n');
  return layout(
    'Used cars',
    `<h2>Used cars near you</h2><p class="note">A demo directory: each listing page shows the dealer's number,
which callpool's snippet swaps for a tracking number. Premium dealers get one per visitor, standard dealers one per listing.</p>
<div class="cards">${cards}</div>`,
    settings,
  );
}

export function listingPage(listing: DemoListing, settings: PageSettings): string {
  const { dealer } = listing;
  const number = `<a class="phone" data-callpool-number href="tel:${dealer.forwardTo}">${displayNumber(dealer.forwardTo)}</a>`;
  return layout(
    listing.title,
    `<article class="listing" data-callpool-listing="${listing.listingId}">
<div><div class="photo" style="background:${listing.colour}"></div>
<button data-callpool-action="gallery">Gallery</button><button data-callpool-action="save">Save</button>
<button data-callpool-action="share">Share</button>
<p>${escape(listing.title)} — ${listing.mileage}, one owner, full service history.</p></div>
<div><div class="tier">${escape(dealer.name)} · ${dealer.tier} dealer</div><h2>${escape(listing.title)}</h2>
<h3>${listing.price}</h3><p>Call the dealer:</p><p>${number}</p>
<button class="call" id="demo-call">Call this number (simulated)</button>
<p class="note">Plays Twilio: a signed call to the number shown, answered by the dealer.</p></div></article>
<div id="call-result"></div>
<script>${CALL_BUTTON}</script>`,
    settings,
  );
}

/** The demo's own button (not part of the snippet): dials the number on the page through the Twilio stand-in. */
const CALL_BUTTON = `
document.getElementById('demo-call').addEventListener('click', async function () {
  var out = document.getElementById('call-result');
  var link = document.querySelector('[data-callpool-number]');
  var to = link.getAttribute('href').slice(4);
  var from = localStorage.getItem('demo-caller') || '+1555' + String(Math.floor(1000000 + Math.random() * 8999999));
  localStorage.setItem('demo-caller', from);
  out.textContent = 'Calling ' + to + ' from ' + from + '...';
  var placed = await (await fetch('/demo/call', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ to: to, from: from }) })).json();
  if (!placed.callSid) { out.textContent = 'Call failed: ' + (placed.error || 'unknown'); return; }
  out.textContent = 'Rang ' + placed.dialled + ' (call ' + placed.callSid + '); waiting for the attributed row...';
  for (var i = 0; i < 60; i++) {
    var answer = await fetch('/demo/calls/' + placed.callSid + '.json');
    if (answer.status === 200) { out.innerHTML = await answer.text(); return; }
    await new Promise(function (r) { setTimeout(r, 500); });
  }
  out.textContent = 'No row in calls yet: is the projector running?';
});`;

export interface CallRow {
  [column: string]: unknown;
}

export const CALL_COLUMNS = [
  'call_sid',
  'tracking_number',
  'listing_id',
  'dealer_id',
  'visitor_id',
  'attribution',
  'confidence',
  'source',
  'search_term',
  'landing_page',
  'status',
  'answered',
  'started_at',
];

export function callsTable(rows: CallRow[]): string {
  const head = CALL_COLUMNS.map((column) => `<th>${column}</th>`).join('');
  const body = rows
    .map(
      (row) => `<tr>${CALL_COLUMNS.map((c) => `<td data-column="${c}">${escape(format(row[c]))}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<div style="overflow-x:auto"><table id="calls"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function format(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

export function callsPage(rows: CallRow[], settings: PageSettings): string {
  return layout('Calls', `<h2>Recent calls (the analysts' <code>calls</code> table)</h2>${callsTable(rows)}`, settings);
}
