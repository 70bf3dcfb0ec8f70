import { ownNumbers } from './own-numbers';

const number = (phoneNumber: string, voiceUrl?: string) => ({
  sid: `PN${phoneNumber.slice(1)}`,
  phoneNumber,
  purchasedAt: new Date(0),
  ...(voiceUrl === undefined ? {} : { voiceUrl }),
});

describe('which of the account numbers are ours', () => {
  it('keeps only the numbers whose voice URL is call-ingest’s, whatever the case of the host or a trailing slash', () => {
    const owned = [
      number('+14155550001', 'https://calls.example.com/twilio/voice'),
      number('+14155550002', 'https://CALLS.example.com/twilio/voice/'),
      number('+14155550003', 'https://directory.example.com/main-line'),
      number('+14155550004', 'https://calls.example.com/other/voice'),
      number('+14155550005'),
      number('+14155550006', 'not a url'),
    ];
    expect(ownNumbers(owned, 'https://calls.example.com/twilio/voice').map((n) => n.phoneNumber)).toEqual([
      '+14155550001',
      '+14155550002',
    ]);
  });
});
