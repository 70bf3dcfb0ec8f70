import { ProvisioningFailed, ProvisioningSucceeded, ReleaseNumber } from './commands';
import { iso, PoolEvent, poolEvent } from './events';
import { PoolState } from './state';

/** A bought number joins the pool as available; it renews a month after purchase. */
export function decideProvisioned(cmd: ProvisioningSucceeded, state: PoolState): PoolEvent[] {
  const known = state.numbers.get(cmd.number);
  if (known && known.state !== 'released') return [];
  const data = {
    number: cmd.number,
    sid: cmd.sid,
    renewsAt: iso(addMonths(cmd.purchasedAt, 1)),
    ...(cmd.areaCode ? { areaCode: cmd.areaCode } : {}),
  };
  return [poolEvent('NumberProvisioned', data, cmd.purchasedAt)];
}

export function decideProvisioningFailed(cmd: ProvisioningFailed, now: number): PoolEvent[] {
  const { reason, requested, kind, retryAt, areaCode } = cmd;
  return [
    poolEvent(
      'NumberProvisioningFailed',
      {
        reason,
        requested,
        ...(kind ? { kind } : {}),
        ...(retryAt !== undefined ? { retryAt: iso(retryAt) } : {}),
        ...(areaCode ? { areaCode } : {}),
      },
      now,
    ),
  ];
}

/**
 * Release only what nobody holds or may call back about: a free number
 * (surplus), or a sold listing's listing-level number. Never a locked,
 * displayed or cooling one, whatever the plan said a moment ago.
 */
export function decideRelease(cmd: ReleaseNumber, state: PoolState, now: number): PoolEvent[] {
  const n = state.numbers.get(cmd.number);
  if (!n) return [];
  const free = n.state === 'available';
  const soldListingNumber = n.state === 'listing' && state.listingNumbersToRelease.has(n.number);
  if (!(free || soldListingNumber)) return [];
  return [poolEvent('NumberReleased', { number: n.number, sid: n.sid, reason: cmd.reason }, now)];
}

/** Calendar months in UTC, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(ms: number, months: number): number {
  const date = new Date(ms);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return date.getTime();
}

/** The first monthly renewal strictly after `now`. */
export function nextRenewal(renewsAt: number, now: number): number {
  let renewal = renewsAt;
  let months = 0;
  while (renewal <= now) renewal = addMonths(renewsAt, ++months);
  return renewal;
}
