import { randomBytes } from 'node:crypto';

/** A CallSid as Twilio makes them: `CA` and 32 hex digits. */
export function newCallSid(): string {
  return `CA${randomBytes(16).toString('hex')}`;
}

export interface CallParties {
  callSid: string;
  accountSid: string;
  from: string;
  to: string;
}

/**
 * The parameters Twilio posts with every request about an inbound call
 * (https://www.twilio.com/docs/voice/twiml#request-parameters). The
 * geographic ones are filled with plausible US values: signatures cover them,
 * so they must travel like the real ones.
 */
export function callParams({ callSid, accountSid, from, to }: CallParties): Record<string, string> {
  return {
    AccountSid: accountSid,
    ApiVersion: '2010-04-01',
    CallSid: callSid,
    Called: to,
    CalledCity: '',
    CalledCountry: 'US',
    CalledState: 'CA',
    CalledZip: '',
    Caller: from,
    CallerCity: 'SAN FRANCISCO',
    CallerCountry: 'US',
    CallerState: 'CA',
    CallerZip: '94103',
    Direction: 'inbound',
    From: from,
    FromCity: 'SAN FRANCISCO',
    FromCountry: 'US',
    FromState: 'CA',
    FromZip: '94103',
    To: to,
    ToCity: '',
    ToCountry: 'US',
    ToState: 'CA',
    ToZip: '',
  };
}
