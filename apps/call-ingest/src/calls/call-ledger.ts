import type { CallpoolEvent } from '@callpool/contracts';
import type { CallAttribution } from '../attribution/attribution';

/** What was answered for a call: a retried webhook gets the very same routing. */
export interface CallDecision {
  callSid: string;
  attribution: CallAttribution;
}

interface Entry<T> {
  at: number;
  value: T;
}

/**
 * The calls recorded recently, so Twilio's retries record nothing twice:
 * CallReceived once per CallSid (the retry is answered from here),
 * CallResolved, CallCompleted and DealerDialEnded once per CallSid. Rebuilt at start from
 * the spool, which keeps published segments for the same retention.
 */
export class CallLedger {
  private readonly received = new Map<string, Entry<Promise<CallDecision>>>();
  private readonly completed = new Map<string, Entry<true>>();
  private readonly dialEnded = new Map<string, Entry<true>>();
  /** The phone the caller menu's outcome rings, per call. */
  private readonly resolved = new Map<string, Entry<string>>();

  rebuild(events: CallpoolEvent[]): void {
    for (const event of events) {
      const at = Date.parse(event.occurredAt);
      if (event.type === 'CallReceived') {
        const { callSid, caller: _caller, trackingNumber: _number, startedAt: _started, ...answered } = event.data;
        const decided = {
          ...answered,
          resolvedBy: answered.resolvedBy ?? 'holder',
          candidates: answered.candidates ?? 0,
        };
        this.received.set(callSid, { at, value: Promise.resolve({ callSid, attribution: decided }) });
      } else if (event.type === 'CallResolved')
        this.resolved.set(event.data.callSid, { at, value: event.data.routedTo });
      else if (event.type === 'CallCompleted') this.completed.set(event.data.callSid, { at, value: true });
      else if (event.type === 'DealerDialEnded') this.dialEnded.set(event.data.callSid, { at, value: true });
    }
  }

  /** The decision already taken for this call, if any (possibly still being written). */
  decisionFor(callSid: string): Promise<CallDecision> | undefined {
    return this.received.get(callSid)?.value;
  }

  /** Reserves the call synchronously, so a retry arriving mid-write waits for the same answer. */
  recordDecision(callSid: string, at: Date, decision: Promise<CallDecision>): void {
    this.received.set(callSid, { at: at.getTime(), value: decision });
  }

  /** True the first time only. */
  firstCompletion(callSid: string, at: Date): boolean {
    return firstTime(this.completed, callSid, at);
  }

  firstDialEnd(callSid: string, at: Date): boolean {
    return firstTime(this.dialEnded, callSid, at);
  }

  /** When the call came in (its CallReceived), if known. */
  startedAt(callSid: string): Date | null {
    const entry = this.received.get(callSid);
    return entry ? new Date(entry.at) : null;
  }

  /** The caller menu's outcome is recorded once per call, however often Twilio retries /twilio/choose. */
  firstResolution(callSid: string, at: Date, routedTo: string): boolean {
    if (this.resolved.has(callSid)) return false;
    this.resolved.set(callSid, { at: at.getTime(), value: routedTo });
    return true;
  }

  resolutionFor(callSid: string): string | undefined {
    return this.resolved.get(callSid)?.value;
  }

  forgetResolution(callSid: string): void {
    this.resolved.delete(callSid);
  }

  /** Undoes firstCompletion when the event could not be written, so Twilio's retry records it. */
  forgetCompletion(callSid: string): void {
    this.completed.delete(callSid);
  }

  forgetDialEnd(callSid: string): void {
    this.dialEnded.delete(callSid);
  }

  /** Forgets calls older than `before`; Twilio stops retrying long before. */
  forgetBefore(before: Date): void {
    for (const map of [this.received, this.completed, this.dialEnded, this.resolved] as Map<string, Entry<unknown>>[])
      for (const [callSid, entry] of map) {
        if (entry.at >= before.getTime()) break;
        map.delete(callSid);
      }
  }

  size(): number {
    return this.received.size;
  }
}

function firstTime(map: Map<string, Entry<true>>, callSid: string, at: Date): boolean {
  if (map.has(callSid)) return false;
  map.set(callSid, { at: at.getTime(), value: true });
  return true;
}
