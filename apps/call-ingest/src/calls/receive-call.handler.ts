import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Metrics } from '@callpool/service-kit';
import { attributeCall, AttributionPolicy } from '../attribution/attribution';
import { ViewFeed } from '../view/view-feed';
import { CallDecision, CallLedger } from './call-ledger';
import { CallJournal } from './call-journal';
import { ReceiveCall } from './commands';

export const ATTRIBUTION_POLICY = Symbol('ATTRIBUTION_POLICY');

/**
 * Routing comes from memory and the answer waits only for the local fsync,
 * never for Kafka. A retry of the same CallSid gets the decision taken the
 * first time (even one still being written), so it records nothing new.
 */
@CommandHandler(ReceiveCall)
export class ReceiveCallHandler implements ICommandHandler<ReceiveCall> {
  private readonly logger = new Logger('calls');

  constructor(
    private readonly view: ViewFeed,
    private readonly ledger: CallLedger,
    private readonly journal: CallJournal,
    @Inject(ATTRIBUTION_POLICY) private readonly policy: AttributionPolicy,
    private readonly metrics: Metrics,
  ) {}

  execute({ params }: ReceiveCall): Promise<CallDecision> {
    const earlier = this.ledger.decisionFor(params.CallSid);
    if (earlier) return earlier;
    const startedAt = this.journal.now();
    const attribution = attributeCall(this.view.view(), params.To, startedAt, this.policy, params.From);
    this.metrics
      .counter('callpool_calls_received_total', 'Calls answered, by attribution and the number’s state', [
        'attribution',
        'holder_state',
      ])
      .inc({ attribution: attribution.attribution, holder_state: attribution.holderState });
    this.metrics
      .counter('callpool_calls_resolved_total', 'Calls answered, by how the attribution was settled (menu: asked)', [
        'resolved_by',
      ])
      .inc({ resolved_by: attribution.menu ? 'menu' : attribution.resolvedBy });
    const decision = this.record(params, attribution, startedAt);
    this.ledger.recordDecision(params.CallSid, startedAt, decision);
    return decision;
  }

  private async record(
    params: ReceiveCall['params'],
    attribution: CallDecision['attribution'],
    startedAt: Date,
  ): Promise<CallDecision> {
    const { CallSid: callSid, To: trackingNumber, From: caller } = params;
    try {
      await this.journal.record(
        'CallReceived',
        { callSid, trackingNumber, caller, startedAt: startedAt.toISOString(), ...attribution },
        startedAt,
      );
    } catch (error) {
      // The caller must still reach the dealer; the lost record is an alert, not a dropped call.
      this.logger.error({ err: error, callSid }, 'could not spool CallReceived; the call is routed anyway');
    }
    return { callSid, attribution };
  }
}
