import { createTestDatabase, dropDatabase, uniqueTopicPrefix } from '@callpool/testing';
import { handMadeHistory } from '../test-support/hand-made-history';
import { caughtUp, projectorConfig, TestPublisher } from '../test-support/harness';
import { startProjector } from './projector';

/**
 * CONTRACT.md, Clock: a manual clock is never behind the newest event in the
 * log — while projecting, and after a restart (from what was projected).
 */
it('keeps its manual clock at the newest event it projected, across a restart', async () => {
  const prefix = uniqueTopicPrefix('projector_clock');
  const databaseUrl = await createTestDatabase('projector_clock');
  const publisher = new TestPublisher(prefix);
  await publisher.connect();
  const history = handMadeHistory();
  const newest = [...history.allocations, ...history.calls, ...history.webEvents]
    .map((event) => event.occurredAt)
    .sort()
    .at(-1) as string;
  const config = projectorConfig(prefix, databaseUrl, {
    CALLPOOL_CLOCK: 'manual',
    CALLPOOL_ADMIN_TOKEN: 'clock-token',
  });
  const admin = { authorization: 'Bearer clock-token' };
  try {
    await publisher.history(history);
    for (let run = 0; run < 2; run++) {
      const running = await startProjector({ config });
      await caughtUp(running);
      const clock = (await (await fetch(`${running.url}/internal/clock`, { headers: admin })).json()) as {
        now: string;
      };
      expect(clock.now).toBe(newest);
      const move = (headers: Record<string, string>) =>
        fetch(`${running.url}/internal/clock`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ now: '2030-01-01T00:00:00.000Z' }),
        });
      expect((await move({})).status).toBe(401);
      expect((await move(admin)).status).toBe(409);
      await running.close();
    }
  } finally {
    await publisher.disconnect();
    await dropDatabase(databaseUrl);
  }
}, 60000);
