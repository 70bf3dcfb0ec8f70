import { LoadRequest } from '../measure/load';
import { pick, seededRandom } from '../measure/random';

export interface DisplayTrafficOptions {
  /** Distinguishes the runs of one benchmark (ids never repeat across concurrency levels). */
  label: string;
  listings: string[];
  /** Share of requests that repeat a (session, listing) pair the same client already got. */
  repeatShare: number;
  listingsPerSession: number;
  seed: number;
}

const SOURCES = ['google', 'facebook', 'direct', 'bing', 'newsletter'];
const TERMS = ['used honda civic', 'toyota corolla 2018', 'cheap suv', 'ford f-150', 'tesla model 3 used'];
const AGES = ['18-24', '25-34', '35-44', '45-54', '55+'];
const REGIONS = ['CA', 'NY', 'TX', 'FL', 'WA'];

interface ClientSession {
  visitorId: string;
  sessionId: string;
  seen: string[];
}

/**
 * POST /v1/displays bodies as a listing site sends them: each client is a
 * stream of visitors, each viewing a few listings in one session (the first
 * display of a session carries its context), with a share of repeats (the
 * visitor reopens a listing already shown). Every non-repeat is a new
 * (session, listing) pair, so it needs a number of its own.
 */
export class DisplayTraffic {
  private readonly sessions = new Map<number, ClientSession>();
  private readonly random: () => number;
  private counter = 0;
  newPairs = 0;

  constructor(private readonly options: DisplayTrafficOptions) {
    this.random = seededRandom(options.seed);
  }

  next(client: number): LoadRequest {
    const body = this.body(client);
    return {
      method: 'POST',
      path: '/v1/displays',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    };
  }

  private body(client: number) {
    let session = this.sessions.get(client);
    if (session && session.seen.length > 0 && this.random() < this.options.repeatShare) {
      return { visitorId: session.visitorId, sessionId: session.sessionId, listingId: pick(this.random, session.seen) };
    }
    if (!session || session.seen.length >= this.options.listingsPerSession) {
      const id = `${this.options.label}-${client}-${++this.counter}`;
      session = { visitorId: `v-${id}`, sessionId: `s-${id}`, seen: [] };
      this.sessions.set(client, session);
    }
    let listingId = pick(this.random, this.options.listings);
    while (session.seen.includes(listingId)) listingId = pick(this.random, this.options.listings);
    const first = session.seen.length === 0;
    session.seen.push(listingId);
    this.newPairs++;
    return {
      visitorId: session.visitorId,
      sessionId: session.sessionId,
      listingId,
      ...(first ? { context: this.context(listingId) } : {}),
    };
  }

  private context(listingId: string) {
    const source = pick(this.random, SOURCES);
    return {
      source,
      searchTerm: pick(this.random, TERMS),
      referrer: source === 'direct' ? undefined : `https://www.${source}.com/`,
      landingPage: `/cars/${listingId}`,
      demographics: { ageBand: pick(this.random, AGES), region: pick(this.random, REGIONS) },
    };
  }
}

/** Accepts only a unique number (pool `session`): an overflow answer would not be a fair comparison. */
export function isUniqueNumber(status: number, body: string): boolean {
  return status === 200 && body.includes('"pool":"session"');
}
