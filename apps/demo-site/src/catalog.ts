import type { HttpApi } from '@callpool/contracts';

export interface Dealer {
  dealerId: string;
  name: string;
  tier: HttpApi.ListingRequest['tier'];
  /** The dealer's own line: what the page shows until (or unless) callpool answers. */
  forwardTo: string;
}

export interface DemoListing {
  listingId: string;
  dealer: Dealer;
  title: string;
  price: string;
  mileage: string;
  colour: string;
}

const smith: Dealer = { dealerId: 'demo-D-1', name: 'Smith Motors', tier: 'premium', forwardTo: '+15557650101' };
const lake: Dealer = { dealerId: 'demo-D-2', name: 'Lake Cars', tier: 'premium', forwardTo: '+15557650202' };
const corner: Dealer = { dealerId: 'demo-D-3', name: 'Corner Autos', tier: 'standard', forwardTo: '+15557650303' };

/** Two premium dealers (visitor-level numbers) and a standard one (one number per listing). */
export const LISTINGS: DemoListing[] = [
  {
    listingId: 'demo-L-1',
    dealer: smith,
    title: '2019 Honda Civic',
    price: '$17,900',
    mileage: '41,000 mi',
    colour: '#b33a3a',
  },
  {
    listingId: 'demo-L-2',
    dealer: smith,
    title: '2020 Toyota Corolla',
    price: '$18,450',
    mileage: '33,500 mi',
    colour: '#3a6db3',
  },
  {
    listingId: 'demo-L-3',
    dealer: lake,
    title: '2021 Ford Focus',
    price: '$16,200',
    mileage: '28,000 mi',
    colour: '#3a8f5c',
  },
  {
    listingId: 'demo-L-4',
    dealer: lake,
    title: '2018 Mazda 3',
    price: '$13,990',
    mileage: '55,200 mi',
    colour: '#8a5cb3',
  },
  {
    listingId: 'demo-L-5',
    dealer: corner,
    title: '2017 Volkswagen Golf',
    price: '$12,500',
    mileage: '61,000 mi',
    colour: '#c08a2e',
  },
  {
    listingId: 'demo-L-6',
    dealer: corner,
    title: '2016 Subaru Impreza',
    price: '$11,300',
    mileage: '72,400 mi',
    colour: '#4a4a4a',
  },
];

export function findListing(listingId: string): DemoListing | undefined {
  return LISTINGS.find((listing) => listing.listingId === listingId);
}

/** +15557650101 → (555) 765-0101, as a directory renders its dealers' numbers. */
export function displayNumber(e164: string): string {
  const nanp = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return nanp ? `(${nanp[1]}) ${nanp[2]}-${nanp[3]}` : e164;
}
