import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '@callpool/clock';
import { EventData, newEvent } from '@callpool/contracts';
import { Spool } from '../spool/spool';
import { callEventId } from './event-ids';

type CallEventType = 'CallReceived' | 'CallResolved' | 'CallCompleted' | 'DealerDialEnded';

/**
 * Writes call events to the spool (the publisher takes them to Kafka from
 * there). Each event's id is derived from its type and CallSid, and the
 * CallSid is the correlation id of everything about one call.
 */
@Injectable()
export class CallJournal {
  constructor(
    private readonly spool: Spool,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  now(): Date {
    return this.clock.now();
  }

  async record<T extends CallEventType>(type: T, data: EventData<T>, occurredAt: Date): Promise<void> {
    const callSid = data.callSid;
    const event = newEvent(type, data, {
      id: callEventId(type, callSid),
      occurredAt,
      metadata: { producer: 'call-ingest', correlationId: callSid },
    });
    await this.spool.append(event);
  }
}
