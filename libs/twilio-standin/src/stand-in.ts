import { IncomingMessage } from 'node:http';
import { ApiAnswer, authenticate, Credentials, notFound, RequestKind, routeOf, TwilioApi } from './api';
import { FaultSwitch, invalidSetting, ModeSetting, ModeState } from './faults';
import { NumberInventory, OwnedNumber } from './inventory';
import { twilioError } from './twilio-json';

export type RequestCounters = Record<RequestKind | 'unauthorized' | 'faulted', number>;

export interface StandInState {
  accountSid: string;
  mode: ModeState;
  owned: Array<Omit<OwnedNumber, 'dateCreated'> & { dateCreated: string }>;
  counters: RequestCounters;
}

/** An answer and how long to hold it back (the `slow` mode). */
export interface DelayedAnswer {
  answer: ApiAnswer;
  delayMs: number;
}

const zeroCounters = (): RequestCounters => ({
  search: 0,
  buy: 0,
  release: 0,
  list: 0,
  fetch: 0,
  unauthorized: 0,
  faulted: 0,
});

/** Everything the stand-in knows and does, apart from the socket plumbing. */
export class StandIn {
  readonly faults = new FaultSwitch();
  private counters = zeroCounters();
  private readonly api: TwilioApi;

  constructor(
    private readonly credentials: Credentials,
    private readonly inventory: NumberInventory,
    now: () => Date,
  ) {
    this.api = new TwilioApi(inventory, credentials.accountSid, now);
  }

  state(): StandInState {
    return {
      accountSid: this.credentials.accountSid,
      mode: this.faults.current(),
      owned: this.inventory.owned().map((n) => ({ ...n, dateCreated: n.dateCreated.toISOString() })),
      counters: { ...this.counters },
    };
  }

  reset(): void {
    this.inventory.clear();
    this.faults.set({ mode: 'ok' });
    this.counters = zeroCounters();
  }

  async answer(req: IncomingMessage, url: URL, body: () => Promise<string>): Promise<DelayedAnswer> {
    if (url.pathname.startsWith('/__standin/'))
      return { answer: await this.control(req, url.pathname, body), delayMs: 0 };
    const route = routeOf(req.method ?? 'GET', url.pathname);
    if (!route) return { answer: notFound(url.pathname), delayMs: 0 };
    this.counters[route.kind] += 1;
    const mode = this.faults.take();
    if (mode.mode === 'fail' || mode.mode === 'rate_limit') {
      this.counters.faulted += 1;
      return { answer: injectedFault(mode.mode), delayMs: 0 };
    }
    const authorization = req.headers.authorization;
    const request = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, authorization };
    const refused = authenticate(authorization, this.credentials);
    if (refused) this.counters.unauthorized += 1;
    // A slow Twilio still does the work: a timed-out purchase may have bought the number.
    const form = new URLSearchParams(await body());
    const answer = refused ?? this.api.handle(route.kind, { ...request, form }, route.params);
    return { answer, delayMs: mode.mode === 'slow' ? mode.delayMs : 0 };
  }

  private async control(req: IncomingMessage, path: string, body: () => Promise<string>): Promise<ApiAnswer> {
    if (req.method === 'GET' && path === '/__standin/state') return { status: 200, body: this.state() };
    if (req.method === 'POST' && path === '/__standin/reset') {
      this.reset();
      return { status: 204 };
    }
    if (req.method === 'POST' && path === '/__standin/mode') {
      let setting: ModeSetting;
      try {
        setting = JSON.parse((await body()) || '{}') as ModeSetting;
      } catch {
        return { status: 400, body: { error: 'body must be JSON' } };
      }
      const problem = invalidSetting(setting);
      return problem ? { status: 400, body: { error: problem } } : { status: 200, body: this.faults.set(setting) };
    }
    return { status: 404, body: { error: `no stand-in control at ${req.method} ${path}` } };
  }
}

function injectedFault(mode: 'fail' | 'rate_limit'): ApiAnswer {
  return mode === 'fail'
    ? { status: 500, body: twilioError(500, 20500, 'Internal Server Error') }
    : { status: 429, body: twilioError(429, 20429, 'Too Many Requests') };
}
