import { Dealer, Listing } from './actions';
import { ModelOptions } from './options';
import { Rng } from './random';

export const AREA_CODES = ['415', '510', '650', '408', '925', '707'] as const;

/**
 * Phones of the simulated world, never in the 555 exchange the Twilio
 * stand-in sells tracking numbers from: a dialled number then tells without
 * doubt whether it rang a dealer, the main line or a tracking number.
 */
export function dealerPhone(index: number): string {
  return `+1${AREA_CODES[index % AREA_CODES.length]}2${String(index).padStart(6, '0')}`;
}

export function callerPhone(index: number): string {
  return `+1${AREA_CODES[index % AREA_CODES.length]}3${String(index).padStart(6, '0')}`;
}

const SURNAMES = ['Smith', 'Lake', 'Garcia', 'Chen', 'Baker', 'Rivera', 'Nguyen', 'Keller', 'Okafor', 'Hansen'];
const TRADES = ['Motors', 'Cars', 'Auto Sales', 'Autohaus', 'Car Centre', 'Trucks', 'Auto Group', 'Motor Co'];
const CARS = [
  'Honda Civic',
  'Honda Accord',
  'Honda CR-V',
  'Toyota Corolla',
  'Toyota Camry',
  'Toyota RAV4',
  'Toyota Prius',
  'Ford F-150',
  'Ford Focus',
  'Ford Mustang',
  'Tesla Model 3',
  'Tesla Model Y',
  'BMW 3 Series',
  'BMW X3',
  'Subaru Outback',
  'Subaru Forester',
  'Mazda CX-5',
  'Hyundai Elantra',
  'Kia Sorento',
  'Chevrolet Silverado',
];

/** Distinct for the first 80 dealers, then with a branch number: a caller can tell dealers apart by name. */
export function dealerName(index: number): string {
  const base = `${SURNAMES[index % SURNAMES.length]} ${TRADES[Math.floor(index / SURNAMES.length) % TRADES.length]}`;
  const branch = Math.floor(index / (SURNAMES.length * TRADES.length));
  return branch === 0 ? base : `${base} ${branch + 1}`;
}

/** A model year and a car; popular cars repeat across dealers, as on a real directory. */
function carTitle(rng: Rng): string {
  return `${rng.int(2012, 2024)} ${rng.pick(CARS)}`;
}

export interface Catalogue {
  dealers: Dealer[];
  listings: Listing[];
}

/** Dealers with a few listings each; popularity is skewed (a few cars draw many views); some cars sell during the run. */
export function buildCatalogue(options: ModelOptions, rng: Rng, titles: Rng): Catalogue {
  const dealerCount = Math.max(1, Math.ceil(options.listings / options.listingsPerDealer));
  const dealers: Dealer[] = [];
  for (let i = 0; i < dealerCount; i++) {
    dealers.push({
      dealerId: `${options.runId}-D${i + 1}`,
      forwardTo: dealerPhone(i + 1),
      tier: rng.chance(options.premiumShare) ? 'premium' : 'standard',
      name: dealerName(i),
    });
  }
  const runMs = options.days * 86_400_000;
  const saleChance = Math.min(1, options.salesPerDay * options.days);
  const listings: Listing[] = [];
  for (let i = 0; i < options.listings; i++) {
    const dealer = dealers[i % dealerCount];
    listings.push({
      listingId: `${options.runId}-L${i + 1}`,
      dealerId: dealer.dealerId,
      forwardTo: dealer.forwardTo,
      tier: dealer.tier,
      title: carTitle(titles),
      dealerName: dealer.name,
      weight: rng.logNormal(1, 1),
      soldAt: rng.chance(saleChance) ? Math.floor(options.startMs + rng.uniform(0.05, 0.95) * runMs) : null,
    });
  }
  return { dealers, listings };
}

/** Weighted draws over the catalogue: cumulative weights and a binary search; unsuitable draws are retried. */
export class ListingPicker {
  private readonly cumulative: number[] = [];
  private readonly total: number;
  private readonly index = new Map<string, Listing>();

  constructor(private readonly listings: readonly Listing[]) {
    let sum = 0;
    for (const listing of listings) {
      this.cumulative.push((sum += listing.weight));
      this.index.set(listing.listingId, listing);
    }
    this.total = sum;
  }

  byId(listingId: string): Listing | undefined {
    return this.index.get(listingId);
  }

  pick(rng: Rng, acceptable: (listing: Listing) => boolean): Listing | null {
    for (let attempt = 0; attempt < 64; attempt++) {
      const r = rng.next() * this.total;
      let lo = 0;
      let hi = this.cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.cumulative[mid] > r) hi = mid;
        else lo = mid + 1;
      }
      if (acceptable(this.listings[lo])) return this.listings[lo];
    }
    return null;
  }
}
