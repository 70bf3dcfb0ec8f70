import { RegisterListing, SellListing } from './commands';
import { listingNotFound } from './errors';
import { iso, PoolEvent, poolEvent } from './events';
import { pickFreeNumber } from './pick-free';
import { PoolPolicy } from './policy';
import { PoolState } from './state';

/** Registers or updates a listing; a standard-tier one gets its listing-level number when a free one exists. */
export function decideRegisterListing(cmd: RegisterListing, state: PoolState, now: number): PoolEvent[] {
  const { listingId, dealerId, forwardTo, tier, title, dealerName } = cmd;
  const spoken = { ...(title ? { title } : {}), ...(dealerName ? { dealerName } : {}) };
  const events: PoolEvent[] = [
    poolEvent('ListingRegistered', { listingId, dealerId, forwardTo, tier, ...spoken }, now),
  ];
  const existing = state.listings.get(listingId);
  if (tier === 'standard' && !existing?.number && !existing?.sold) {
    const free = pickFreeNumber(state, listingId, null);
    if (free) events.push(poolEvent('ListingNumberAssigned', { listingId, dealerId, number: free.number }, now));
  }
  return events;
}

/**
 * A sold listing's Pool 2 locks end now (back to the pool through cooling);
 * selling it again decides nothing, so the endpoint can answer 200 again.
 */
export function decideSellListing(cmd: SellListing, state: PoolState, now: number, policy: PoolPolicy): PoolEvent[] {
  const listing = state.listings.get(cmd.listingId);
  if (!listing) throw listingNotFound(cmd.listingId);
  if (listing.sold) return [];
  const events: PoolEvent[] = [poolEvent('ListingSold', { listingId: cmd.listingId }, now)];
  const coolingUntil = iso(now + policy.cooldownMs);
  for (const number of listing.locks) {
    const n = state.numbers.get(number);
    if (n?.state !== 'locked' || !n.holder) continue;
    events.push(
      poolEvent(
        'NumberUnlocked',
        { number, visitorId: n.holder.visitorId, listingId: cmd.listingId, reason: 'listing_sold', coolingUntil },
        now,
      ),
    );
  }
  return events;
}
