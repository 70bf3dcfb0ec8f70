import { VisitorContext } from './actions';
import { callerPhone } from './catalog';
import { Rng } from './random';

export interface Visitor {
  visitorId: string;
  caller: string;
  demographics: VisitorContext['demographics'];
  /** A new session of this visitor cannot start before this (their last one is not over). */
  busyUntil: number;
  /** Listings seen in earlier sessions, for returning visits. */
  seen: string[];
  sessions: number;
}

const AGE_BANDS = [
  ['18-24', 12],
  ['25-34', 26],
  ['35-44', 24],
  ['45-54', 18],
  ['55-64', 12],
  ['65+', 8],
] as const;
const REGIONS = [
  ['CA', 55],
  ['NV', 10],
  ['OR', 10],
  ['WA', 10],
  ['AZ', 10],
  ['TX', 5],
] as const;
const NEW_SOURCES = [
  ['google', 45],
  ['facebook', 15],
  ['direct', 18],
  ['bing', 7],
  ['email', 5],
  ['partner', 10],
] as const;
const RETURNING_SOURCES = [
  ['direct', 50],
  ['google', 25],
  ['email', 15],
  ['facebook', 10],
] as const;
const REFERRERS: Record<string, string | undefined> = {
  google: 'https://www.google.com/',
  bing: 'https://www.bing.com/',
  facebook: 'https://www.facebook.com/',
  email: 'https://mail.example.com/',
  partner: 'https://www.carreviews.example/',
};
const MAKES = [
  ['honda', ['civic', 'accord', 'cr-v']],
  ['toyota', ['corolla', 'camry', 'rav4', 'prius']],
  ['ford', ['f-150', 'focus', 'mustang']],
  ['tesla', ['model 3', 'model y']],
  ['bmw', ['3 series', 'x3']],
  ['subaru', ['outback', 'forester']],
] as const;
const CONDITIONS = ['used', 'cheap', 'certified', '2019', '2021', 'low mileage'] as const;

export class VisitorPool {
  private readonly visitors: Visitor[] = [];

  constructor(private readonly runId: string) {}

  get size(): number {
    return this.visitors.length;
  }

  /** A returning visitor free at `at` (a few tries), else a new one. */
  arrive(rng: Rng, at: number, returningShare: number): { visitor: Visitor; returning: boolean } {
    if (this.visitors.length > 0 && rng.chance(returningShare)) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const candidate = rng.pick(this.visitors);
        if (candidate.busyUntil <= at) return { visitor: candidate, returning: true };
      }
    }
    const index = this.visitors.length + 1;
    const visitor: Visitor = {
      visitorId: `${this.runId}-v${index}`,
      caller: callerPhone(index),
      demographics: { ageBand: rng.weighted(AGE_BANDS), region: rng.weighted(REGIONS) },
      busyUntil: 0,
      seen: [],
      sessions: 0,
    };
    this.visitors.push(visitor);
    return { visitor, returning: false };
  }
}

/** Where the visit came from: source, search term, referrer; the landing page is set by the session. */
export function visitContext(rng: Rng, visitor: Visitor, returning: boolean): Omit<VisitorContext, 'landingPage'> {
  const source = rng.weighted(returning ? RETURNING_SOURCES : NEW_SOURCES);
  const referrer = REFERRERS[source];
  return {
    source,
    ...(source === 'google' || source === 'bing' ? { searchTerm: searchTerm(rng) } : {}),
    ...(referrer ? { referrer } : {}),
    demographics: visitor.demographics,
  };
}

export function searchTerm(rng: Rng): string {
  const [make, models] = rng.pick(MAKES);
  return `${rng.pick(CONDITIONS)} ${make} ${rng.pick(models)}`;
}
