import type { CallEvents, Tier, VisitorContext } from '@callpool/contracts';
import type { z } from 'zod';

/** What the service asks of the pool. Times come in through `decide`'s `now`, never from here. */
export interface DisplayNumber {
  type: 'DisplayNumber';
  visitorId: string;
  sessionId: string;
  listingId: string;
  context?: VisitorContext;
  /**
   * False when the client address has opened its share of new sessions (the
   * service's per-address limit): a display that would open a session then
   * answers overflow. Unset: allowed (the simulator, tests).
   */
  mayOpenSession?: boolean;
}

export interface RecordPageView {
  type: 'RecordPageView';
  visitorId: string;
  sessionId: string;
  url: string;
  action: string;
  listingId?: string;
  /** As on DisplayNumber. */
  mayOpenSession?: boolean;
}

export interface RegisterListing {
  type: 'RegisterListing';
  listingId: string;
  dealerId: string;
  forwardTo: string;
  tier: Tier;
  title?: string;
  dealerName?: string;
}

export interface SellListing {
  type: 'SellListing';
  listingId: string;
}

/** From a `CallReceived` on callpool.calls. */
export interface RecordCall {
  type: 'RecordCall';
  call: z.infer<typeof CallEvents.CallReceived>;
  eventId?: string;
}

/** Everything due up to `now`: session expiries, lock expiries, cool-downs, in due-time order. */
export interface ExpireDue {
  type: 'ExpireDue';
}

export interface ProvisioningSucceeded {
  type: 'ProvisioningSucceeded';
  number: string;
  sid: string;
  areaCode?: string;
  purchasedAt: number;
}

export interface ProvisioningFailed {
  type: 'ProvisioningFailed';
  reason: string;
  requested: number;
  kind?: 'rate_limited' | 'timeout' | 'unavailable' | 'rejected' | 'no_numbers';
  retryAt?: number;
  areaCode?: string;
}

/** Give a number back to Twilio (from a replenishment plan); refused for anything not free. */
export interface ReleaseNumber {
  type: 'ReleaseNumber';
  number: string;
  reason: 'surplus' | 'listing_sold' | 'manual';
}

export type PoolCommand =
  | DisplayNumber
  | RecordPageView
  | RegisterListing
  | SellListing
  | RecordCall
  | ExpireDue
  | ProvisioningSucceeded
  | ProvisioningFailed
  | ReleaseNumber;
