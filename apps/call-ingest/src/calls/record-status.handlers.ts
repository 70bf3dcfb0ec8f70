import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { FINAL_CALL_STATUSES } from '../twilio/webhook-params';
import { CallLedger } from './call-ledger';
import { CallJournal } from './call-journal';
import { RecordCallStatus, RecordDialOutcome } from './commands';

/**
 * The call's final status and length, recorded once per CallSid however many
 * callbacks (retries, or one per SequenceNumber) Twilio sends.
 */
@CommandHandler(RecordCallStatus)
export class RecordCallStatusHandler implements ICommandHandler<RecordCallStatus> {
  constructor(
    private readonly ledger: CallLedger,
    private readonly journal: CallJournal,
  ) {}

  async execute({ params }: RecordCallStatus): Promise<void> {
    if (!(FINAL_CALL_STATUSES as readonly string[]).includes(params.CallStatus)) return;
    const now = this.journal.now();
    if (!this.ledger.firstCompletion(params.CallSid, now)) return;
    const data = { callSid: params.CallSid, status: params.CallStatus, durationS: params.CallDuration ?? 0 };
    await this.journal.record('CallCompleted', data, now).catch((error) => {
      this.ledger.forgetCompletion(params.CallSid);
      throw error;
    });
  }
}

/** Whether the dealer picked up: Twilio's `completed` (or `answered`) on the dialled leg. */
@CommandHandler(RecordDialOutcome)
export class RecordDialOutcomeHandler implements ICommandHandler<RecordDialOutcome> {
  constructor(
    private readonly ledger: CallLedger,
    private readonly journal: CallJournal,
  ) {}

  async execute({ params }: RecordDialOutcome): Promise<{ answered: boolean }> {
    const answered = params.DialCallStatus === 'completed' || params.DialCallStatus === 'answered';
    const now = this.journal.now();
    if (!this.ledger.firstDialEnd(params.CallSid, now)) return { answered };
    const data = {
      callSid: params.CallSid,
      dialCallStatus: params.DialCallStatus,
      dialDurationS: params.DialCallDuration ?? 0,
      answered,
    };
    await this.journal.record('DealerDialEnded', data, now).catch((error) => {
      this.ledger.forgetDialEnd(params.CallSid);
      throw error;
    });
    return { answered };
  }
}
