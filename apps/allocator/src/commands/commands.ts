import { Command } from '@nestjs/cqrs';
import type { CallEvents, VisitorContext } from '@callpool/contracts';
import type { ProvisioningFailed, ProvisioningSucceeded, ReleaseNumber } from '@callpool/pool-domain';
import type { z } from 'zod';
import type { TransactionOffsets } from '@callpool/kafka';

export interface DisplayAnswer {
  number: string;
  pool: 'session' | 'locked' | 'listing' | 'overflow';
  attribution: 'visitor' | 'listing' | 'none';
  expiresAt: string;
}

export interface ListingView {
  listingId: string;
  dealerId: string;
  forwardTo: string;
  tier: 'premium' | 'standard';
  title?: string;
  dealerName?: string;
  number: string | null;
  sold: boolean;
}

export class DisplayNumberCommand extends Command<DisplayAnswer> {
  constructor(
    readonly input: {
      visitorId: string;
      sessionId: string;
      listingId: string;
      context?: VisitorContext;
      /** False past the client address's new-session limit (http/session-admission.ts). */
      mayOpenSession?: boolean;
    },
  ) {
    super();
  }
}

export class RecordPageViewCommand extends Command<void> {
  constructor(
    readonly input: {
      visitorId: string;
      sessionId: string;
      url: string;
      action: string;
      listingId?: string;
      /** The browser's own id of this page view: a retry with the same id is recorded once. */
      pageViewId?: string;
      mayOpenSession?: boolean;
    },
  ) {
    super();
  }
}

export class RegisterListingCommand extends Command<ListingView> {
  constructor(readonly input: Omit<ListingView, 'number' | 'sold'>) {
    super();
  }
}

export class ConfigureDealerWebhookCommand extends Command<{ dealerId: string; webhookUrl: string }> {
  constructor(readonly input: { dealerId: string; webhookUrl: string; secret: string }) {
    super();
  }
}

export class SellListingCommand extends Command<{ listingId: string; sold: true; locksEnded: number }> {
  constructor(readonly listingId: string) {
    super();
  }
}

/** A CallReceived from callpool.calls; `offsets` commits the consumer's position in the same transaction. */
export class RecordCallCommand extends Command<{ locked: boolean }> {
  constructor(
    readonly call: z.infer<typeof CallEvents.CallReceived>,
    readonly eventId: string,
    readonly offsets?: TransactionOffsets,
  ) {
    super();
  }
}

/** Commits every expiry due up to `now`, each stamped with its own due time; resolves with how many events. */
export class ExpireDueCommand extends Command<number> {
  constructor(readonly now: Date) {
    super();
  }
}

/** Results of the replenisher's Twilio requests, and its releases. */
export class RecordProvisioningCommand extends Command<boolean> {
  constructor(readonly result: ProvisioningSucceeded | ProvisioningFailed | ReleaseNumber) {
    super();
  }
}
