import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Metrics } from '@callpool/service-kit';
import { attributeCall, AttributionPolicy, chosen } from '../attribution/attribution';
import { ViewFeed } from '../view/view-feed';
import { CallLedger } from './call-ledger';
import { CallJournal } from './call-journal';
import { ChooseListing } from './commands';
import { ATTRIBUTION_POLICY } from './receive-call.handler';

/**
 * POST /twilio/choose: the caller pressed a key (or nothing). The choice is
 * recorded once per CallSid (CallResolved) and a retry rings the same phone.
 * A menu never keeps a call from ringing: a call this process does not know
 * rings the called number's most likely listing, else the main line.
 */
@CommandHandler(ChooseListing)
export class ChooseListingHandler implements ICommandHandler<ChooseListing> {
  private readonly logger = new Logger('calls');

  constructor(
    private readonly view: ViewFeed,
    private readonly ledger: CallLedger,
    private readonly journal: CallJournal,
    @Inject(ATTRIBUTION_POLICY) private readonly policy: AttributionPolicy,
    private readonly metrics: Metrics,
  ) {}

  async execute({ params }: ChooseListing): Promise<{ routedTo: string }> {
    const earlier = this.ledger.resolutionFor(params.CallSid);
    if (earlier) return { routedTo: earlier };
    const decision = await this.ledger.decisionFor(params.CallSid);
    const now = this.journal.now();
    if (!decision) {
      this.logger.warn(
        { callSid: params.CallSid },
        'caller menu answer for a call not known here; ringing its best guess',
      );
      const guess = attributeCall(this.view.view(), params.To, now, { ...this.policy, callerMenu: false });
      return { routedTo: guess.routedTo };
    }
    const outcome = chosen(decision.attribution, params.Digits);
    if (!outcome) return { routedTo: decision.attribution.routedTo };
    const { option, resolvedBy } = outcome;
    if (!this.ledger.firstResolution(params.CallSid, now, option.routedTo))
      return { routedTo: this.ledger.resolutionFor(params.CallSid) ?? option.routedTo };
    this.metrics
      .counter('callpool_caller_menu_answers_total', 'Caller menu outcomes', ['outcome'])
      .inc({ outcome: resolvedBy });
    const { digit: _digit, routedTo, ...holder } = option;
    await this.journal
      .record(
        'CallResolved',
        {
          callSid: params.CallSid,
          trackingNumber: params.To,
          caller: params.From,
          startedAt: this.ledger.startedAt(params.CallSid)?.toISOString() ?? now.toISOString(),
          resolvedBy,
          ...(params.Digits !== undefined ? { digit: params.Digits } : {}),
          attribution: 'visitor',
          ...holder,
          routedTo,
          candidates: decision.attribution.candidates,
        },
        now,
      )
      .catch((error) => {
        // The caller still reaches the dealer they chose; a retry of this webhook records it.
        this.ledger.forgetResolution(params.CallSid);
        this.logger.error(
          { err: error, callSid: params.CallSid },
          'could not spool CallResolved; the call rings anyway',
        );
      });
    return { routedTo };
  }
}
