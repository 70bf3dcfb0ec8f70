import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { ApiAnswer } from './api';
import { ModeSetting, ModeState } from './faults';
import { NumberInventory } from './inventory';
import { DelayedAnswer, StandIn, StandInState } from './stand-in';
import { twilioError } from './twilio-json';
import { DEV_DEFAULTS } from '@callpool/config';

export type { RequestCounters, StandInState } from './stand-in';

export const DEV_ACCOUNT_SID = DEV_DEFAULTS.TWILIO_ACCOUNT_SID;
export const DEV_AUTH_TOKEN = DEV_DEFAULTS.TWILIO_AUTH_TOKEN;

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

export async function startTwilioStandIn(options: TwilioStandInOptions = {}): Promise<TwilioStandIn> {
  const credentials = {
    accountSid: options.accountSid ?? DEV_ACCOUNT_SID,
    authToken: options.authToken ?? DEV_AUTH_TOKEN,
  };
  const inventory = new NumberInventory({
    defaultAreaCode: options.defaultAreaCode ?? '415',
    numbersPerAreaCode: options.numbersPerAreaCode ?? 10_000,
  });
  const standIn = new StandIn(credentials, inventory, options.now ?? (() => new Date()));
  const held = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    standIn
      .answer(req, new URL(req.url ?? '/', 'http://stand-in'), () => readBody(req))
      .catch((error: unknown): DelayedAnswer => ({
        answer: { status: 500, body: twilioError(500, 20500, String(error)) },
        delayMs: 0,
      }))
      .then(({ answer, delayMs }) => sendAfter(res, answer, delayMs, held));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    ...credentials,
    setMode: (setting) => standIn.faults.set(setting),
    state: () => standIn.state(),
    reset: () => standIn.reset(),
    close: () => {
      held.forEach(clearTimeout);
      held.clear();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendAfter(res: ServerResponse, answer: ApiAnswer, delayMs: number, held: Set<NodeJS.Timeout>): void {
  if (delayMs <= 0) return send(res, answer);
  const timer = setTimeout(() => {
    held.delete(timer);
    send(res, answer);
  }, delayMs);
  held.add(timer);
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
