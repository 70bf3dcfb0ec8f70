import type { LoggerService } from '@nestjs/common';
import type { TwilioNumbers } from '@callpool/twilio';

/**
 * DELETE at Twilio after NumberReleased is committed. A few retries; a
 * number that still fails is only a cost (Twilio bills it), never a wrong
 * attribution, so it is logged for an operator rather than blocking anything.
 */
export async function releaseAtTwilio(
  twilio: TwilioNumbers,
  sid: string,
  log: LoggerService,
  attempts = 4,
): Promise<void> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await twilio.release(sid);
      return;
    } catch (error) {
      if (attempt === attempts) {
        log.error(`could not release ${sid} at Twilio after ${attempts} attempts: ${(error as Error).message}`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
    }
  }
}
