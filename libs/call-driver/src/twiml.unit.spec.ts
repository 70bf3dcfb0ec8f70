import twilio from 'twilio';
import { parseDial, parseMenu } from './twiml';

/** The caller menu as CONTRACT.md v3 shows it, built with the twilio library as call-ingest would. */
function contractMenu(base = 'https://calls.example.com'): string {
  const response = new twilio.twiml.VoiceResponse();
  const gather = response.gather({
    input: ['dtmf'],
    numDigits: 1,
    timeout: 6,
    action: `${base}/twilio/choose`,
    method: 'POST',
  });
  gather.say('Which car are you calling about?');
  gather.say('For the 2019 Honda Civic at Smith & Sons, press 1.');
  gather.say('For the 2021 Ford Focus at Lake Cars, press 2.');
  response.redirect({ method: 'POST' }, `${base}/twilio/choose`);
  return response.toString();
}

describe('parseDial', () => {
  it('reads the number, action and timeout of the TwiML <Dial>', () => {
    const response = new twilio.twiml.VoiceResponse();
    response.dial({ action: '/twilio/dial-status?a=1&b=2', timeout: 25 }).number('+15557654321');
    expect(parseDial(response.toString())).toEqual({
      number: '+15557654321',
      action: '/twilio/dial-status?a=1&b=2',
      timeout: 25,
    });
  });

  it('reads a bare number inside <Dial>, and null without one or on a body that is not TwiML', () => {
    expect(parseDial('<Response><Dial>+15550001111</Dial></Response>')?.number).toBe('+15550001111');
    expect(parseDial('<Response><Say>hi</Say></Response>')).toBeNull();
    expect(parseDial('{"error":{"code":"forbidden"}}')).toBeNull();
  });
});

describe('parseMenu', () => {
  it('reads the Gather action, the redirect for no input, and each option with its digit, the greeting left out', () => {
    const menu = parseMenu(contractMenu());
    expect(menu).toEqual({
      action: 'https://calls.example.com/twilio/choose',
      redirect: 'https://calls.example.com/twilio/choose',
      options: [
        { digit: '1', text: 'For the 2019 Honda Civic at Smith & Sons, press 1.' },
        { digit: '2', text: 'For the 2021 Ford Focus at Lake Cars, press 2.' },
      ],
      spoken: [
        'Which car are you calling about?',
        'For the 2019 Honda Civic at Smith & Sons, press 1.',
        'For the 2021 Ford Focus at Lake Cars, press 2.',
      ],
    });
  });

  it('finds no menu in an answer that dials at once, and no redirect when the menu has none', () => {
    const dial = new twilio.twiml.VoiceResponse();
    dial.dial({ action: '/twilio/dial-status' }).number('+15557654321');
    expect(parseMenu(dial.toString())).toBeNull();
    const bare = parseMenu(
      '<Response><Gather numDigits="1" action="/twilio/choose"><Say>For L-7, press 3.</Say></Gather></Response>',
    );
    expect(bare).toEqual({
      action: '/twilio/choose',
      redirect: null,
      options: [{ digit: '3', text: 'For L-7, press 3.' }],
      spoken: ['For L-7, press 3.'],
    });
  });
});
