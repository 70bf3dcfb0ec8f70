import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { findListing } from './catalog';
import { DemoCalls } from './calls';
import { callsPage, callsTable, indexPage, listingPage, PageSettings } from './pages';

export interface DemoSite {
  settings: PageSettings;
  calls: DemoCalls;
  /** True once the demo's listings are registered with the allocator. */
  ready(): boolean;
}

type Reply = { status: number; type: string; body: string };
const html = (body: string, status = 200): Reply => ({ status, type: 'text/html; charset=utf-8', body });
const json = (value: unknown, status = 200): Reply => ({
  status,
  type: 'application/json',
  body: JSON.stringify(value),
});

/** The demo directory's pages: plain server-rendered HTML with the dealer's number, and the snippet. */
export function demoServer(site: DemoSite): Server {
  return createServer((request, response) => {
    route(site, request)
      .catch((error: Error) => json({ error: error.message }, 500))
      .then((reply) => send(response, reply));
  });
}

async function route(site: DemoSite, request: IncomingMessage): Promise<Reply> {
  const { pathname } = new URL(request.url ?? '/', 'http://demo');
  const listing = /^\/cars\/([\w-]+)$/.exec(pathname);
  const callRow = /^\/demo\/calls\/([\w-]+)\.json$/.exec(pathname);
  if (request.method === 'POST' && pathname === '/demo/call') {
    const placed = await site.calls.place(JSON.parse((await readBody(request)) || '{}')).catch((error: Error) => error);
    return placed instanceof Error ? json({ error: placed.message }, 400) : json(placed);
  }
  if (request.method !== 'GET') return json({ error: 'not found' }, 404);
  if (pathname === '/health') return site.ready() ? json({ status: 'ok' }) : json({ status: 'registering' }, 503);
  if (pathname === '/') return html(indexPage(site.settings));
  if (listing && findListing(listing[1])) return html(listingPage(findListing(listing[1])!, site.settings));
  if (pathname === '/demo/calls') return html(callsPage(await site.calls.recent(), site.settings));
  if (callRow) {
    const row = await site.calls.byCallSid(callRow[1]);
    return row ? html(callsTable([row])) : json({ error: 'not projected yet' }, 404);
  }
  return html('<h1>Not found</h1>', 404);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, reply: Reply): void {
  response.writeHead(reply.status, { 'content-type': reply.type, 'cache-control': 'no-store' });
  response.end(reply.body);
}
