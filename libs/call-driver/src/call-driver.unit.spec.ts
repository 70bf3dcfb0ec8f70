import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { parse } from 'fast-querystring';
import twilio from 'twilio';
import { CallDriver } from './call-driver';

const DIAL = '<Response><Dial action="/twilio/dial-status"><Number>+15557654321</Number></Dial></Response>';
const MENU = `<Response><Gather input="dtmf" numDigits="1" timeout="6" action="https://calls.example.com/twilio/choose?from=menu" method="POST">
  <Say>For the 2019 Honda Civic at Smith Motors, press 1.</Say><Say>For the 2021 Ford Focus at Lake Cars, press 2.</Say>
</Gather><Redirect method="POST">https://calls.example.com/twilio/choose</Redirect></Response>`;

describe('CallDriver', () => {
  let server: Server;
  const seen: { url: string; signature: string; params: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    server = createServer(async (req: IncomingMessage, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      const params = parse(body) as Record<string, unknown>;
      seen.push({ url: req.url ?? '', signature: String(req.headers['x-twilio-signature']), params });
      const menu = req.url === '/twilio/voice' && String(params.To) === '+15550002222';
      res.writeHead(200, { 'content-type': 'text/xml' }).end(menu ? MENU : DIAL);
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

  it('answers a caller menu as Twilio does: the digit to the Gather action, no input to the Redirect, both signed', async () => {
    const { port } = server.address() as AddressInfo;
    const driver = new CallDriver({
      baseUrl: `http://127.0.0.1:${port}`,
      publicBaseUrl: 'https://calls.example.com',
      authToken: 'secret',
    });
    seen.length = 0;
    const offered: string[] = [];
    const placed = await driver.fullCall({
      from: '+14155550100',
      to: '+15550002222',
      chooseDigit: (menu) => {
        offered.push(...menu.options.map((o) => o.digit));
        return '2';
      },
    });
    expect(offered).toEqual(['1', '2']);
    expect(placed.menu?.options).toHaveLength(2);
    expect(placed.dial?.number).toBe('+15557654321');
    expect(seen.map((r) => r.url)).toEqual([
      '/twilio/voice',
      '/twilio/choose?from=menu',
      '/twilio/dial-status',
      '/twilio/status',
    ]);
    expect(seen[1].params).toMatchObject({ CallSid: placed.callSid, From: '+14155550100', Digits: '2' });
    const silent = await driver.placeCall({ from: '+14155550101', to: '+15550002222' });
    const timedOut = await driver.answerMenu(silent.callSid, silent.menu!, null);
    expect(timedOut.dial?.number).toBe('+15557654321');
    expect(seen.at(-1)?.url).toBe('/twilio/choose');
    expect(seen.at(-1)?.params).not.toHaveProperty('Digits');
    expect(seen.at(-1)?.params).toMatchObject({ CallSid: silent.callSid, From: '+14155550101' });
    for (const request of seen) {
      const url = `https://calls.example.com${request.url}`;
      expect(twilio.validateRequest('secret', request.signature, url, request.params)).toBe(true);
    }
  });
});
