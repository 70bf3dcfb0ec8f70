import { Command } from '@nestjs/cqrs';
import type { ChooseParams, DialParams, StatusParams, VoiceParams } from '../twilio/webhook-params';
import type { CallDecision } from './call-ledger';

/** A call came in on a tracking number: attribute it, record it, say where it rings. */
export class ReceiveCall extends Command<CallDecision> {
  constructor(readonly params: VoiceParams) {
    super();
  }
}

/** The caller menu's answer (or its time-out): ring the chosen listing. */
export class ChooseListing extends Command<{ routedTo: string }> {
  constructor(readonly params: ChooseParams) {
    super();
  }
}

/** The tracking number's status callback. */
export class RecordCallStatus extends Command<void> {
  constructor(readonly params: StatusParams) {
    super();
  }
}

/** The `<Dial action>` callback: the dealer's leg ended. */
export class RecordDialOutcome extends Command<{ answered: boolean }> {
  constructor(readonly params: DialParams) {
    super();
  }
}
