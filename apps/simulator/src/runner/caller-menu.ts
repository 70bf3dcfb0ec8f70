import { CallerMenu, MenuOption } from '@callpool/call-driver';
import { Listing, Rng } from '../model';
import { MenuChoice } from './truth';

/** How simulated callers answer the caller menu: their listing's digit, nothing, else a wrong digit. */
export interface MenuRates {
  right: number;
  none: number;
}

export const DEFAULT_MENU_RATES: MenuRates = { right: 0.85, none: 0.1 };

const spoken = (text: string, words: string) => text.toLowerCase().includes(words.toLowerCase());

/**
 * The option a caller recognises as their car: one that names its title,
 * and of several such (popular cars repeat) the one that also names its
 * dealer; a listing without a title is spoken by its dealer's name, else its id.
 */
export function optionFor(
  menu: CallerMenu,
  listing: Pick<Listing, 'listingId' | 'title' | 'dealerName'>,
): MenuOption | null {
  const named = (words: string | undefined) => (words ? menu.options.filter((o) => spoken(o.text, words)) : []);
  const byTitle = named(listing.title);
  if (byTitle.length > 0) return byTitle.find((o) => spoken(o.text, listing.dealerName)) ?? byTitle[0];
  return named(listing.dealerName)[0] ?? named(listing.listingId)[0] ?? null;
}

/**
 * The caller's key press. With probability `right` they press their car's
 * digit, with `none` they wait (Twilio then follows the Redirect), otherwise
 * they press another option's digit (a digit the menu does not offer when it
 * offers only theirs). A caller who does not hear their car presses nothing.
 */
export function chooseDigit(
  menu: CallerMenu,
  listing: Pick<Listing, 'listingId' | 'title' | 'dealerName'>,
  rates: MenuRates,
  rng: Rng,
): { digits: string | null; choice: MenuChoice } {
  const mine = optionFor(menu, listing);
  if (!mine) return { digits: null, choice: 'not-offered' };
  const draw = rng.next();
  if (draw < rates.right) return { digits: mine.digit, choice: 'right' };
  if (draw < rates.right + rates.none) return { digits: null, choice: 'none' };
  const others = menu.options.filter((o) => o.digit !== mine.digit).map((o) => o.digit);
  return { digits: others.length > 0 ? rng.pick(others) : '9', choice: 'wrong' };
}
