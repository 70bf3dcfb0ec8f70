import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { ApiAnswer, authenticate, Credentials, notFound, RequestKind, routeOf, TwilioApi } from './api';
import { FaultSwitch, invalidSetting, ModeSetting, ModeState } from './faults';
import { NumberInventory, OwnedNumber } from './inventory';
import { twilioError } from './twilio-json';

export const DEV_ACCOUNT_SID = 'AC00000000000000000000000000000000';
export const DEV_AUTH_TOKEN = 'dev-auth-token';

export interface TwilioStandInOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  accountSid?: string;
  authToken?: string;
  /** Area code searched when a request names none; '415' by default. */
  defaultAreaCode?: string;
  /** Numbers on offer per area code; 10 000 by default (set it low to make an area code run dry). */
  numbersPerAreaCode?: number;
  now?: () => Date;
}

export type RequestCounters = Record<RequestKind | 'unauthorized' | 'faulted', number>;

export interface StandInState {
  accountSid: string;
  mode: ModeState;
  owned: Array<Omit<OwnedNumber, 'dateCreated'> & { dateCreated: string }>;
  counters: RequestCounters;
}

export interface TwilioStandIn {
  url: string;
  port: number;
  accountSid: string;
  authToken: string;
  setMode(setting: ModeSetting): ModeState;
  state(): StandInState;
  reset(): void;
  close(): Promise<void>;
}

const zeroCounters = (): RequestCounters => ({
  search: 0, buy: 0, release: 0, list: 0, fetch: 0, unauthorized: 0, faulted: 0,
});

export async function startTwilioStandIn(options: TwilioStandInOptions = {}): Promise<TwilioStandIn> {
  const credentials: Credentials = {
    accountSid: options.accountSid ?? DEV_ACCOUNT_SID,
    authToken: options.authToken ?? DEV_AUTH_TOKEN,
  };
  const inventory = new NumberInventory({
    defaultAreaCode: options.defaultAreaCode ?? '415',
    numbersPerAreaCode: options.numbersPerAreaCode ?? 10_000,
  });
  const api = new TwilioApi(inventory, credentials.accountSid, options.now ?? (() => new Date()));
  const faults = new FaultSwitch();
  let counters = zeroCounters();
  const pending = new Set<NodeJS.Timeout>();

  const state = (): StandInState => ({
    accountSid: credentials.accountSid,
    mode: faults.current(),
    owned: inventory.owned().map((n) => ({ ...n, dateCreated: n.dateCreated.toISOString() })),
    counters: { ...counters },
  });
  const reset = () => {
    inventory.clear();
    faults.set({ mode: 'ok' });
    counters = zeroCounters();
  };

  const answerApi = async (req: IncomingMessage, url: URL): Promise<{ answer: ApiAnswer; delayMs: number }> => {
    const route = routeOf(req.method ?? 'GET', url.pathname);
    if (!route) return { answer: notFound(url.pathname), delayMs: 0 };
    counters[route.kind] += 1;
    const mode = faults.take();
    if (mode.mode === 'fail' || mode.mode === 'rate_limit') {
      counters.faulted += 1;
      return { answer: injectedFault(mode.mode), delayMs: 0 };
    }
    const form = new URLSearchParams(await readBody(req));
    const request = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, form, authorization: req.headers.authorization };
    const refused = authenticate(request.authorization, credentials);
    if (refused) counters.unauthorized += 1;
    // A slow Twilio still does the work: a timed-out purchase may have bought the number.
    const answer = refused ?? api.handle(route.kind, request, route.params);
    return { answer, delayMs: mode.mode === 'slow' ? mode.delayMs : 0 };
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const work = url.pathname.startsWith('/__standin/')
      ? answerControl(req, url.pathname, { setMode: (s) => faults.set(s), state, reset }).then((answer) => ({ answer, delayMs: 0 }))
      : answerApi(req, url);
    work
      .catch((error: unknown) => ({ answer: { status: 500, body: twilioError(500, 20500, String(error)) }, delayMs: 0 }))
      .then(({ answer, delayMs }) => {
        if (delayMs <= 0) return send(res, answer);
        const timer = setTimeout(() => {
          pending.delete(timer);
          send(res, answer);
        }, delayMs);
        pending.add(timer);
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    ...credentials,
    setMode: (setting) => faults.set(setting),
    state,
    reset,
    close: () => {
      pending.forEach(clearTimeout);
      pending.clear();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function injectedFault(mode: 'fail' | 'rate_limit'): ApiAnswer {
  return mode === 'fail'
    ? { status: 500, body: twilioError(500, 20500, 'Internal Server Error') }
    : { status: 429, body: twilioError(429, 20429, 'Too Many Requests') };
}

interface Control {
  setMode(setting: ModeSetting): ModeState;
  state(): StandInState;
  reset(): void;
}

async function answerControl(req: IncomingMessage, path: string, control: Control): Promise<ApiAnswer> {
  if (req.method === 'GET' && path === '/__standin/state') return { status: 200, body: control.state() };
  if (req.method === 'POST' && path === '/__standin/reset') {
    control.reset();
    return { status: 204 };
  }
  if (req.method === 'POST' && path === '/__standin/mode') {
    let setting: ModeSetting | undefined;
    try {
      setting = JSON.parse((await readBody(req)) || '{}') as ModeSetting;
    } catch {
      return { status: 400, body: { error: 'body must be JSON' } };
    }
    const problem = invalidSetting(setting);
    return problem ? { status: 400, body: { error: problem } } : { status: 200, body: control.setMode(setting) };
  }
  return { status: 404, body: { error: `no stand-in control at ${req.method} ${path}` } };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, answer: ApiAnswer): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { ...answer.headers };
  if (answer.body === undefined) return void res.writeHead(answer.status, headers).end();
  headers['Content-Type'] = 'application/json; charset=utf-8';
  res.writeHead(answer.status, headers).end(JSON.stringify(answer.body));
}
