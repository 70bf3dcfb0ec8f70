import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { parse } from 'fast-querystring';
import twilio from 'twilio';
import { CallDriver } from './call-driver';
import { parseDial } from './twilio-params';

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

  it('reads a bare number inside <Dial>, and null without one', () => {
    expect(parseDial('<Response><Dial>+15550001111</Dial></Response>')?.number).toBe('+15550001111');
    expect(parseDial('<Response><Say>hi</Say></Response>')).toBeNull();
  });
});

describe('CallDriver', () => {
  let server: Server;
  const seen: { url: string; signature: string; params: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    server = createServer(async (req: IncomingMessage, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      seen.push({ url: req.url ?? '', signature: String(req.headers['x-twilio-signature']), params: parse(body) });
      res
        .writeHead(200, { 'content-type': 'text/xml' })
        .end('<Response><Dial action="/twilio/dial-status"><Number>+15557654321</Number></Dial></Response>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('posts Twilio’s parameters, signed so the library validates them on a flat-parsed body', async () => {
    const { port } = server.address() as AddressInfo;
    const driver = new CallDriver({
      baseUrl: `http://127.0.0.1:${port}`,
      publicBaseUrl: 'https://calls.example.com',
      authToken: 'secret',
    });
    const placed = await driver.placeCall({ from: '+14155550100', to: '+15550001111' });
    await driver.post('/twilio/status', { CallSid: placed.callSid, 'Odd[key]': 'x&y=z', Twice: ['b', 'a'] });
    expect(placed.callSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(placed.dial?.number).toBe('+15557654321');
    expect(seen[0].params).toMatchObject({
      CallSid: placed.callSid,
      From: '+14155550100',
      To: '+15550001111',
      CallStatus: 'ringing',
      Direction: 'inbound',
      ApiVersion: '2010-04-01',
      Caller: '+14155550100',
      Called: '+15550001111',
    });
    for (const request of seen) {
      const url = `https://calls.example.com${request.url}`;
      expect(twilio.validateRequest('secret', request.signature, url, request.params)).toBe(true);
      expect(twilio.validateRequest('other', request.signature, url, request.params)).toBe(false);
    }
    expect(seen[1].params).toMatchObject({ 'Odd[key]': 'x&y=z', Twice: ['b', 'a'] });
  });
});
