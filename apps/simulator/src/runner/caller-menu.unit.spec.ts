import { CallerMenu, parseMenu } from '@callpool/call-driver';
import { Rng } from '../model';
import { chooseDigit, optionFor } from './caller-menu';

const menuOf = (...says: string[]): CallerMenu =>
  parseMenu(
    `<Response><Gather input="dtmf" numDigits="1" timeout="6" action="http://127.0.0.1:3102/twilio/choose" method="POST">${says
      .map((s) => `<Say>${s}</Say>`)
      .join('')}</Gather><Redirect method="POST">http://127.0.0.1:3102/twilio/choose</Redirect></Response>`,
  ) as CallerMenu;

const civic = { listingId: 's1-L4', title: '2019 Honda Civic', dealerName: 'Smith Motors' };
const menu = menuOf(
  'Which car are you calling about?',
  'For the 2021 Ford Focus at Lake Cars, press 1.',
  'For the 2019 Honda Civic at Garcia Motors, press 2.',
  'For the 2019 Honda Civic at Smith Motors, press 3.',
);

describe('the simulated caller and the caller menu', () => {
  it('recognises their car by its title, and between two cars of one title by the dealer’s name', () => {
    expect(optionFor(menu, civic)?.digit).toBe('3');
    expect(optionFor(menu, { ...civic, dealerName: 'Baker Cars' })?.digit).toBe('2');
    expect(optionFor(menuOf('For Smith Motors, press 1.', 'For s1-L9, press 2.'), civic)?.digit).toBe('1');
    expect(optionFor(menuOf('For the 2021 Ford Focus at Lake Cars, press 1.'), civic)).toBeNull();
  });

  it('press their digit, nothing, or a wrong one at the configured rates', () => {
    const rng = new Rng('menu');
    const tally = { right: 0, none: 0, wrong: 0, 'not-offered': 0 };
    for (let i = 0; i < 20_000; i++) {
      const { digits, choice } = chooseDigit(menu, civic, { right: 0.85, none: 0.1 }, rng);
      tally[choice]++;
      if (choice === 'right') expect(digits).toBe('3');
      if (choice === 'none') expect(digits).toBeNull();
      if (choice === 'wrong') expect(['1', '2']).toContain(digits);
    }
    // Binomial standard deviations at n = 20 000 are under 0.003: 0.01 is more than three of them.
    expect(Math.abs(tally.right / 20_000 - 0.85)).toBeLessThan(0.01);
    expect(Math.abs(tally.none / 20_000 - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(tally.wrong / 20_000 - 0.05)).toBeLessThan(0.01);
    expect(tally['not-offered']).toBe(0);
  });

  it('press a digit the menu does not offer when the wrong choice has no other option, and nothing when their car is not offered', () => {
    const alone = menuOf('For the 2019 Honda Civic at Smith Motors, press 1.');
    expect(chooseDigit(alone, civic, { right: 0, none: 0 }, new Rng('x'))).toEqual({ digits: '9', choice: 'wrong' });
    const other = menuOf('For the 2021 Ford Focus at Lake Cars, press 1.', 'For Baker Cars, press 2.');
    expect(chooseDigit(other, civic, { right: 1, none: 0 }, new Rng('x'))).toEqual({
      digits: null,
      choice: 'not-offered',
    });
  });
});
