import { isValidTwilioSignature, twilioSignature } from './signature';

describe('Twilio webhook signatures', () => {
  const token = 'dev-auth-token';
  const url = 'http://127.0.0.1:3002/twilio/voice';
  const params = { CallSid: 'CA123', From: '+14155550100', To: '+12125550000' };

  it('accepts the signature Twilio computes for the URL and parameters', () => {
    expect(isValidTwilioSignature(token, twilioSignature(token, url, params), url, params)).toBe(true);
  });

  it('refuses a tampered parameter, another token, or no signature at all', () => {
    const signature = twilioSignature(token, url, params);
    expect(isValidTwilioSignature(token, signature, url, { ...params, To: '+12125550001' })).toBe(false);
    expect(isValidTwilioSignature('other-token', signature, url, params)).toBe(false);
    expect(isValidTwilioSignature(token, undefined, url, params)).toBe(false);
  });
});
