/** Typed refusals of a command; the service maps them to HTTP (404, 410). */
export class PoolRuleError extends Error {
  constructor(
    readonly code: 'listing_not_found' | 'listing_sold',
    message: string,
  ) {
    super(message);
    this.name = 'PoolRuleError';
  }
}

export const listingNotFound = (listingId: string) =>
  new PoolRuleError('listing_not_found', `listing ${listingId} is not registered`);

export const listingSold = (listingId: string) => new PoolRuleError('listing_sold', `listing ${listingId} is sold`);
