import { createHmac } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { DEV_DEALER_WEBHOOK_KEY } from '@callpool/config';
import { CallpoolEvent, newEvent } from '@callpool/contracts';
import { sealSecret } from '@callpool/service-kit';
import { createTestDatabase, dropDatabase, uniqueTopicPrefix, waitFor } from '@callpool/testing';
import { handMadeHistory } from '../test-support/hand-made-history';
import { caughtUp, projectorConfig, query, TestPublisher } from '../test-support/harness';
import { RunningProjector, startProjector } from './projector';
import { rebuildProjection } from './rebuild/rebuild-projection';
import { verifyDelivery } from './webhooks/signature';

const SECRET = 'whsec-dealer-one-0123456789';
const at = (hhmmss: string) => `2030-01-01T${hhmmss}.000Z`;
const ev = (
  id: string,
  type: 'CallReceived' | 'CallCompleted' | 'DealerWebhookConfigured',
  time: string,
  data: object,
) => newEvent(type, data as never, { occurredAt: at(time), metadata: { producer: 'test' }, id }) as CallpoolEvent;

interface Received {
  callSid: string;
  at: number;
  status: number;
  verified: boolean;
  idempotencyKey: string;
  body: Record<string, unknown>;
}

/** A dealer's receiver: answers 500 to the first `failures` requests for `flaky`, then 200. */
function receiver(flaky: string, failures: number): { server: Server; received: Received[] } {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      const body = JSON.parse(raw);
      const earlier = received.filter((r) => r.callSid === body.call_sid).length;
      const status = body.call_sid === flaky && earlier < failures ? 500 : 200;
      const signature = String(request.headers['x-callpool-signature'] ?? '');
      received.push({
        callSid: body.call_sid,
        at: Date.now(),
        status,
        verified:
          verifyDelivery(SECRET, raw, signature, Math.floor(Date.now() / 1000)) && contractSignature(raw, signature),
        idempotencyKey: String(request.headers['idempotency-key']),
        body,
      });
      response.writeHead(status).end();
    });
  });
  return { server, received };
}

/** CONTRACT.md's rule computed here, not with the project's own signing code: hex HMAC-SHA256 of "<t>.<body>". */
function contractSignature(body: string, header: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  return !!match && createHmac('sha256', SECRET).update(`${match[1]}.${body}`).digest('hex') === match[2];
}

describe('dealer webhooks', () => {
  const prefix = uniqueTopicPrefix('projector_webhooks');
  const publisher = new TestPublisher(prefix);
  const { server, received } = receiver('CA2', 2);
  let databaseUrl = '';
  const running: RunningProjector[] = [];
  const start = async () => {
    const projector = await startProjector({
      config: projectorConfig(prefix, databaseUrl, {
        WEBHOOK_POLL_MS: '50',
        WEBHOOK_RETRY_BASE_MS: '400',
        WEBHOOK_RETRY_MAX_MS: '2000',
      }),
    });
    running.push(projector);
    return projector;
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('projector_webhooks');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await publisher.connect();
  });

  afterAll(async () => {
    for (const projector of running) await projector.close().catch(() => undefined);
    await publisher.disconnect();
    await new Promise((resolve) => server.close(resolve));
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('posts each completed call once, signed, retried after failures and across a restart', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callpool`;
    const history = handMadeHistory('w'); // calls CA1, CA2, CA3 of dealer D-1 complete at 10:06:55, 10:07:55, 10:09:55
    const otherDealer = [
      ev('w-b1', 'CallReceived', '10:08:00', {
        callSid: 'CB1',
        trackingNumber: '+15550000002',
        caller: '+14155550009',
        startedAt: at('10:08:00'),
        attribution: 'visitor',
        confidence: 0.9,
        holderState: 'displayed',
        visitorId: 'v-1',
        sessionId: 's-1',
        listingId: 'L-2',
        dealerId: 'D-2',
        routedTo: '+15557654322',
      }),
      ev('w-b2', 'CallCompleted', '10:08:30', { callSid: 'CB1', status: 'completed', durationS: 40 }),
    ];
    await publisher.history(history);
    await publisher.events('calls', otherDealer);
    let projector = await start();
    await caughtUp(projector);
    // Configured after CA1 completed: CA1 is not the dealer's to receive; CA2 and CA3 are (projected before it).
    const sealedSecret = sealSecret(SECRET, DEV_DEALER_WEBHOOK_KEY);
    await publisher.events('allocations', [
      ev('w-cfg', 'DealerWebhookConfigured', '10:07:30', { dealerId: 'D-1', webhookUrl: url, sealedSecret }),
    ]);
    await waitFor(() => received.some((r) => r.callSid === 'CA2'), { what: 'the first attempt for CA2' });
    await projector.close();
    projector = await start();
    // A redelivered completion (another event id) must not notify again.
    await publisher.events('calls', [
      ev('w-again', 'CallCompleted', '10:09:56', { callSid: 'CA3', status: 'completed', durationS: 60 }),
    ]);
    await waitFor(
      async () => {
        const rows = await query(
          databaseUrl,
          'SELECT call_sid FROM callpool.webhook_deliveries WHERE delivered_at IS NOT NULL',
        );
        return rows.length === 2 || undefined;
      },
      { what: 'both deliveries accepted', timeoutMs: 30000 },
    );
    await caughtUp(projector);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const accepted = received.filter((r) => r.status === 200);
    expect(accepted.map((r) => r.callSid).sort()).toEqual(['CA2', 'CA3']);
    expect(received.every((r) => r.verified && r.idempotencyKey === r.callSid)).toBe(true);
    const ca2 = received.filter((r) => r.callSid === 'CA2');
    expect(ca2.map((r) => r.status)).toEqual([500, 500, 200]);
    // Back-off: the second retry waits longer than the first (400 ms then 800 ms, each with 50-100 % jitter).
    expect(ca2[1].at - ca2[0].at).toBeGreaterThanOrEqual(180);
    expect(ca2[2].at - ca2[1].at).toBeGreaterThanOrEqual(380);
    expect(accepted[0].body).toMatchObject({ dealer_id: 'D-1', listing_id: 'L-1' });
    const ca3 = accepted.find((r) => r.callSid === 'CA3')!.body;
    expect(ca3).toMatchObject({
      call_sid: 'CA3',
      duration_s: 60,
      answered: true,
      confidence: 1,
      attribution: 'visitor',
    });
    expect(Object.keys(ca3)).toEqual(expect.arrayContaining(['source', 'search_term', 'visitor_id', 'started_at']));
    const rows = await query(
      databaseUrl,
      'SELECT call_sid, dealer_id, url, attempts, last_status, last_error FROM callpool.webhook_deliveries ORDER BY call_sid',
    );
    expect(rows).toEqual([
      { call_sid: 'CA2', dealer_id: 'D-1', url, attempts: 3, last_status: 200, last_error: null },
      { call_sid: 'CA3', dealer_id: 'D-1', url, attempts: 1, last_status: 200, last_error: null },
    ]);

    // A rebuild from offset zero enqueues every call again, and carries over what the dealer already received.
    const before = received.length;
    await rebuildProjection(projector.projector.config, { info: () => undefined, warn: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(received.length).toBe(before);
    expect(
      await query(
        databaseUrl,
        'SELECT call_sid, dealer_id, url, attempts, last_status, last_error FROM callpool.webhook_deliveries ORDER BY call_sid',
      ),
    ).toEqual(rows);
  }, 90000);
});
