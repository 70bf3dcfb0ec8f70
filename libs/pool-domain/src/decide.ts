import { PoolCommand } from './commands';
import { decideCall } from './decide-call';
import { decideDisplay, decidePageView } from './decide-display';
import { decideExpiry } from './decide-expiry';
import { decideRegisterListing, decideSellListing } from './decide-listing';
import { decideProvisioned, decideProvisioningFailed, decideRelease } from './decide-provisioning';
import { PoolEvent } from './events';
import { PoolPolicy } from './policy';
import { PoolState } from './state';

/**
 * The pool's rules: what happens when `command` meets `state` at `now`
 * (epoch ms). Pure: reads the state, never changes it, and never reads a
 * clock. Throws PoolRuleError for a refused command (unknown or sold listing).
 * Apply the result with `evolve` before deciding the next command.
 */
export function decide(command: PoolCommand, state: PoolState, now: number, policy: PoolPolicy): PoolEvent[] {
  switch (command.type) {
    case 'DisplayNumber':
      return decideDisplay(command, state, now, policy);
    case 'RecordPageView':
      return decidePageView(command, state, now, policy);
    case 'RegisterListing':
      return decideRegisterListing(command, state, now);
    case 'SellListing':
      return decideSellListing(command, state, now, policy);
    case 'RecordCall':
      return decideCall(command, state, now, policy);
    case 'ExpireDue':
      return decideExpiry(state, now, policy);
    case 'ProvisioningSucceeded':
      return decideProvisioned(command, state);
    case 'ProvisioningFailed':
      return decideProvisioningFailed(command, now);
    case 'ReleaseNumber':
      return decideRelease(command, state, now);
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
}
