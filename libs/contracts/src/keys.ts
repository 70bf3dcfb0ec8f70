import { CallpoolEvent } from './events';

/**
 * The Kafka key of an event (CONTRACT.md): the tracking number where the event
 * is about one number, otherwise the listing or session id; CallSid on calls.
 */
export function eventKey(event: CallpoolEvent): string {
  switch (event.type) {
    case 'NumberProvisioned':
    case 'NumberCooledDown':
    case 'NumberLocked':
    case 'NumberUnlocked':
    case 'NumberReleased':
    case 'ListingNumberAssigned':
      return event.data.number;
    case 'NumberDisplayed':
      return event.data.pool === 'overflow' ? event.data.sessionId : event.data.number;
    case 'ListingRegistered':
    case 'ListingSold':
      return event.data.listingId;
    case 'SessionExpired':
    case 'PageViewed':
      return event.data.sessionId;
    case 'NumberProvisioningFailed':
      return 'provisioning';
    case 'DealerWebhookConfigured':
      return event.data.dealerId;
    case 'CallReceived':
    case 'CallResolved':
    case 'CallCompleted':
    case 'DealerDialEnded':
      return event.data.callSid;
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}
