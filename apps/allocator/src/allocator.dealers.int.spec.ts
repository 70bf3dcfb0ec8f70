import { DEV_DEALER_WEBHOOK_KEY } from '@callpool/config';
import { EventOf } from '@callpool/contracts';
import { openSecret } from '@callpool/service-kit';
import { AllocatorHarness, Client } from './testing/harness';

/** PUT /v1/dealers/{dealerId}: admin only, validated, and written to the log with the secret sealed. */
describe('allocator dealers', () => {
  const world = new AllocatorHarness('alloc_dealers', { POOL_FLOOR: 0, POOL_MAX: 1 });
  let client: Client;
  const good = { webhookUrl: 'https://crm.example.com/callpool', secret: 'whsec-0123456789abcdef' };
  const put = (id: string, body: unknown, token?: string | null) =>
    client.request('PUT', `/v1/dealers/${id}`, body, token);

  beforeAll(async () => {
    await world.setUp();
    client = await world.start();
  });
  afterAll(() => world.tearDown());

  it('refuses without the admin token and answers 400 for bad input', async () => {
    expect((await put('D-1', good, null)).status).toBe(401);
    expect((await put('D-1', good, 'wrong-token-value')).status).toBe(401);
    for (const bad of [
      { ...good, webhookUrl: 'not a url' },
      { ...good, webhookUrl: 'ftp://crm.example.com/x' },
      { ...good, webhookUrl: 'http://crm.example.com:6000/x' }, // a port fetch refuses to call
      { ...good, secret: 'short' },
      { webhookUrl: good.webhookUrl },
      '{"webhookUrl": ',
    ]) {
      const answer = await put('D-1', bad);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        error: { code: 'invalid_request', message: expect.any(String), details: expect.any(Array) },
      });
    }
    expect((await put('x'.repeat(129), good)).status).toBe(400);
  });

  it('records the configuration as DealerWebhookConfigured, with the secret sealed', async () => {
    const answer = await put('D-7', good);
    expect(answer).toMatchObject({ status: 200, body: { dealerId: 'D-7', webhookUrl: good.webhookUrl } });
    const events = (await world.readTopic('allocations')).filter(
      (e): e is EventOf<'DealerWebhookConfigured'> => e.type === 'DealerWebhookConfigured',
    );
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ dealerId: 'D-7', webhookUrl: good.webhookUrl });
    expect(JSON.stringify(events[0])).not.toContain(good.secret);
    expect(openSecret(events[0].data.sealedSecret, DEV_DEALER_WEBHOOK_KEY)).toBe(good.secret);
    expect(() => openSecret(events[0].data.sealedSecret, 'another-key-altogether')).toThrow();
  });
});
