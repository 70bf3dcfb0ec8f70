import { twilioSignature } from '@callpool/twilio';
import { callParams, CallParties, newCallSid } from './twilio-params';
import { CallerMenu, DialTarget, parseDial, parseMenu } from './twiml';

export interface CallDriverOptions {
  /** Where call-ingest listens (e.g. http://127.0.0.1:3002). */
  baseUrl: string;
  /** The PUBLIC_BASE_URL call-ingest validates signatures against. */
  publicBaseUrl?: string;
  authToken: string;
  accountSid?: string;
}

export interface WebhookAnswer {
  status: number;
  contentType: string | null;
  body: string;
}

export interface PlacedCall extends WebhookAnswer {
  callSid: string;
  twiml: string;
  dial: DialTarget | null;
  /** The caller menu the answer played (CONTRACT.md v3), else null. */
  menu: CallerMenu | null;
}

/** What Twilio did after the caller menu: the digit it posted (null: no input) and call-ingest's answer. */
export interface MenuAnswer extends WebhookAnswer {
  digits: string | null;
  dial: DialTarget | null;
}

export interface FullCall {
  from: string;
  to: string;
  callSid?: string;
  /** Did the dealer pick up? */
  answered?: boolean;
  /** The caller's key press when a menu plays (null: presses nothing); without it the caller presses nothing. */
  chooseDigit?: (menu: CallerMenu) => string | null;
  /** Seconds the dealer talked (answered calls). */
  durationS?: number;
}

/**
 * Plays Twilio against call-ingest: the voice webhook, the `<Dial action>`
 * callback and the number's status callback, with Twilio's parameter names,
 * form-encoded and signed with the `twilio` library's own signature function.
 */
export class CallDriver {
  private readonly publicBaseUrl: string;
  private readonly accountSid: string;
  private readonly calls = new Map<string, CallParties>();

  constructor(private readonly options: CallDriverOptions) {
    this.publicBaseUrl = (options.publicBaseUrl ?? options.baseUrl).replace(/\/+$/, '');
    this.accountSid = options.accountSid ?? `AC${'0'.repeat(32)}`;
  }

  /** A visitor dials `to`: Twilio posts the voice webhook (CallStatus ringing). */
  async placeCall({
    from,
    to,
    callSid = newCallSid(),
  }: {
    from: string;
    to: string;
    callSid?: string;
  }): Promise<PlacedCall> {
    const parties = { callSid, accountSid: this.accountSid, from, to };
    this.calls.set(callSid, parties);
    const answer = await this.post('/twilio/voice', { ...callParams(parties), CallStatus: 'ringing' });
    const ok = answer.status === 200;
    return {
      ...answer,
      callSid,
      twiml: answer.body,
      dial: ok ? parseDial(answer.body) : null,
      menu: ok ? parseMenu(answer.body) : null,
    };
  }

  /**
   * The caller answered the menu: with a digit Twilio posts the Gather's
   * `action` with `Digits`; on a time-out it follows the `<Redirect>` (the
   * Gather's `action` when there is none), without `Digits`.
   */
  async answerMenu(callSid: string, menu: CallerMenu, digits: string | null): Promise<MenuAnswer> {
    const target = digits === null ? (menu.redirect ?? menu.action) : menu.action;
    const url = new URL(target, `${this.publicBaseUrl}/twilio/voice`);
    const params: Record<string, string> = { ...callParams(this.parties(callSid)), CallStatus: 'in-progress' };
    if (digits !== null) Object.assign(params, { Digits: digits, FinishedOnKey: '' });
    const answer = await this.post(`${url.pathname}${url.search}`, params);
    return { ...answer, digits, dial: answer.status === 200 ? parseDial(answer.body) : null };
  }

  /** The `<Dial action>` callback: how the dealer's leg ended. */
  dialStatus(
    callSid: string,
    { dialCallStatus, dialCallDuration = 0 }: { dialCallStatus: string; dialCallDuration?: number },
  ): Promise<WebhookAnswer> {
    return this.post('/twilio/dial-status', {
      ...callParams(this.parties(callSid)),
      CallStatus: 'in-progress',
      DialCallSid: newCallSid(),
      DialCallStatus: dialCallStatus,
      DialCallDuration: String(dialCallDuration),
      DialBridged: String(dialCallStatus === 'completed'),
    });
  }

  /** The tracking number's status callback for the inbound call. */
  complete(
    callSid: string,
    { callStatus = 'completed', callDuration = 0, sequenceNumber = 0, timestamp = new Date() } = {},
  ): Promise<WebhookAnswer> {
    return this.post('/twilio/status', {
      ...callParams(this.parties(callSid)),
      CallStatus: callStatus,
      CallDuration: String(callDuration),
      Duration: String(Math.ceil(callDuration / 60)),
      SequenceNumber: String(sequenceNumber),
      Timestamp: timestamp.toUTCString().replace('GMT', '+0000'),
      CallbackSource: 'call-progress-events',
    });
  }

  /** Voice webhook, the menu's answer (when one plays), dial outcome (when the answer dialled) and final status, in Twilio's order. */
  async fullCall({ from, to, callSid, answered = true, durationS = 60, chooseDigit }: FullCall): Promise<PlacedCall> {
    const placed = await this.placeCall({ from, to, callSid });
    if (placed.status !== 200) return placed;
    if (placed.menu) {
      const chosen = await this.answerMenu(placed.callSid, placed.menu, chooseDigit?.(placed.menu) ?? null);
      if (chosen.status >= 300) throw new Error(`call-ingest answered ${chosen.status}: ${chosen.body.slice(0, 200)}`);
      placed.dial = chosen.dial;
    }
    const talked = answered ? durationS : 0;
    if (placed.dial)
      await this.expectOk(
        this.dialStatus(placed.callSid, {
          dialCallStatus: answered ? 'completed' : 'no-answer',
          dialCallDuration: talked,
        }),
      );
    // The inbound leg is `completed` even when the dealer never picked up (notes/twilio.md).
    await this.expectOk(this.complete(placed.callSid, { callStatus: 'completed', callDuration: talked + 5 }));
    this.calls.delete(placed.callSid);
    return placed;
  }

  /** Posts signed form parameters, as Twilio does; `signature` overrides the real one (tests). */
  async post(
    path: string,
    params: Record<string, string | string[]>,
    signature?: string | null,
  ): Promise<WebhookAnswer> {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) for (const one of [value].flat()) form.append(name, one);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'user-agent': 'TwilioProxy/1.1',
    };
    const signed =
      signature === undefined
        ? twilioSignature(this.options.authToken, `${this.publicBaseUrl}${path}`, params)
        : signature;
    if (signed !== null) headers['x-twilio-signature'] = signed;
    const response = await fetch(`${this.options.baseUrl.replace(/\/+$/, '')}${path}`, {
      method: 'POST',
      headers,
      body: form.toString(),
    });
    return { status: response.status, contentType: response.headers.get('content-type'), body: await response.text() };
  }

  private parties(callSid: string): CallParties {
    return (
      this.calls.get(callSid) ?? { callSid, accountSid: this.accountSid, from: '+15550009999', to: '+15550000000' }
    );
  }

  private async expectOk(answer: Promise<WebhookAnswer>): Promise<void> {
    const { status, body } = await answer;
    if (status >= 300) throw new Error(`call-ingest answered ${status}: ${body.slice(0, 200)}`);
  }
}
