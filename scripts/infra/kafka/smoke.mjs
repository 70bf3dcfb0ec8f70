// Smoke test: kafkajs 2.2.4 against the broker started by scripts/infra/kafka.sh.
// Checks: createTopics(retention.ms=-1), produce (DefaultPartitioner), consumer
// group (eachBatch), 200 back-to-back transactions with default and tuned retry
// (commits/s), fencing by a second producer with the same transactionalId, and a
// read_committed consumer that does not see an aborted transaction.
//
//   scripts/infra/kafka.sh start
//   KAFKA_BROKERS=127.0.0.1:9092 node smoke.mjs      (needs kafkajs@2.2.4 installed)
//
// Exits 0 when every check passes; prints "N passed, N failed".
import { Kafka, Partitioners, logLevel } from 'kafkajs';

const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',');
const TX_COUNT = Number(process.env.SMOKE_TX_COUNT || 200);
const run = `${Date.now().toString(36)}-${process.pid}`;
// kafkajs logs every CONCURRENT_TRANSACTIONS response (retried, expected with
// back-to-back transactions) at ERROR: count those instead of printing them.
let concurrentTx = 0;
const logCreator =
  () =>
  ({ namespace, level, label, log }) => {
    const { message, error, timestamp, logger, ...extra } = log;
    const text = `${message} ${error || ''}`;
    if (/concurrent operation on the same transaction/.test(text)) {
      if (namespace === 'Connection') concurrentTx++;
      return;
    }
    if (/Limiting retries for the idempotent producer/.test(text)) return;
    console.log(`  [kafkajs ${label} ${namespace}] ${message}${error ? `: ${error}` : ''}`);
  };
const kafka = new Kafka({ clientId: `smoke-${run}`, brokers, logLevel: logLevel.WARN, logCreator });

const results = [];
const notes = [];
async function check(name, fn) {
  const t0 = Date.now();
  try {
    const info = await fn();
    results.push({ name, ok: true });
    console.log(`PASS ${name} (${Date.now() - t0} ms)${info ? ` - ${info}` : ''}`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name} (${Date.now() - t0} ms) - ${e?.name}: ${e?.message}`);
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

// Read from a fresh consumer group until `done(messages)` is true or timeout.
async function consume({ topic, groupId, readUncommitted = false, done, timeoutMs = 20000 }) {
  const consumer = kafka.consumer({ groupId, readUncommitted, allowAutoTopicCreation: false });
  const got = [];
  let joinedAt = null;
  const t0 = Date.now();
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joinedAt = Date.now() - t0;
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let resolveDone;
    const finished = new Promise((r) => (resolveDone = r));
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        for (const m of batch.messages) {
          got.push({ offset: m.offset, key: m.key?.toString(), value: m.value?.toString() });
          resolveOffset(m.offset);
        }
        await heartbeat();
        if (done(got)) resolveDone();
      },
    });
    const timer = new Promise((_, rej) =>
      setTimeout(() => rej(new Error(`timeout after ${timeoutMs} ms, got ${got.length} messages`)), timeoutMs),
    );
    await Promise.race([finished, timer]);
    return { got, joinedAt };
  } finally {
    await consumer.disconnect();
  }
}

async function transactionalProducer(transactionalId, retry) {
  const p = kafka.producer({
    transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    ...(retry ? { retry } : {}),
  });
  await p.connect();
  return p;
}

const admin = kafka.admin();
const topics = {
  plain: `smoke-plain-${run}`,
  tx: `smoke-tx-${run}`,
  fence: `smoke-fence-${run}`,
  abort: `smoke-abort-${run}`,
};

try {
  await admin.connect();

  await check('admin createTopics retention.ms=-1', async () => {
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: Object.values(topics).map((topic) => ({
        topic,
        numPartitions: 1,
        replicationFactor: 1,
        configEntries: [{ name: 'retention.ms', value: '-1' }],
      })),
    });
    assert(created === true, `createTopics returned ${created}`);
    const cfg = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2 /* TOPIC */, name: topics.plain, configNames: ['retention.ms'] }],
    });
    const v = cfg.resources[0].configEntries.find((e) => e.configName === 'retention.ms')?.configValue;
    assert(v === '-1', `retention.ms is ${v}`);
    return `4 topics, retention.ms=${v}`;
  });

  await check('produce (DefaultPartitioner, acks=all)', async () => {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      const res = await producer.send({
        topic: topics.plain,
        acks: -1,
        messages: Array.from({ length: 100 }, (_, i) => ({ key: `k${i % 7}`, value: `v${i}` })),
      });
      assert(res.length === 1 && res[0].errorCode === 0, JSON.stringify(res));
      return `100 messages, base offset ${res[0].baseOffset}`;
    } finally {
      await producer.disconnect();
    }
  });

  await check('consumer group eachBatch reads them back', async () => {
    const { got, joinedAt } = await consume({
      topic: topics.plain,
      groupId: `smoke-g-${run}`,
      done: (g) => g.length >= 100,
    });
    assert(got.length === 100, `got ${got.length}`);
    assert(
      got.every((m, i) => m.value === `v${i}`),
      'out of order or wrong values',
    );
    return `100/100 in order, group joined after ${joinedAt} ms`;
  });

  async function txBurst(label, retry) {
    const p = await transactionalProducer(`smoke-txp-${label}-${run}`, retry);
    try {
      // first transaction initialises the producer id; not timed
      let tx = await p.transaction();
      await tx.send({ topic: topics.tx, messages: [{ key: label, value: 'warmup' }] });
      await tx.commit();
      const t0 = Date.now();
      const retried0 = concurrentTx;
      const lat = [];
      for (let i = 0; i < TX_COUNT; i++) {
        const s = Date.now();
        tx = await p.transaction();
        await tx.send({ topic: topics.tx, messages: [{ key: label, value: `${i}` }] });
        await tx.commit();
        lat.push(Date.now() - s);
      }
      const secs = (Date.now() - t0) / 1000;
      lat.sort((a, b) => a - b);
      const q = (f) => lat[Math.min(lat.length - 1, Math.floor(f * lat.length))];
      const rate = (TX_COUNT / secs).toFixed(1);
      notes.push(`${label}: ${rate} commits/s`);
      return (
        `${TX_COUNT} tx in ${secs.toFixed(2)} s = ${rate} commits/s ` +
        `(p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${lat[lat.length - 1]} ms; ` +
        `${concurrentTx - retried0} CONCURRENT_TRANSACTIONS retries)`
      );
    } finally {
      await p.disconnect();
    }
  }

  await check(`${TX_COUNT} back-to-back transactions, default retry`, () => txBurst('default', null));
  for (const initialRetryTime of [50, 20, 10]) {
    await check(`${TX_COUNT} back-to-back transactions, retry.initialRetryTime=${initialRetryTime}`, () =>
      txBurst(`retry${initialRetryTime}`, { initialRetryTime, retries: 8 }),
    );
  }

  await check('committed transactions are all readable (read_committed)', async () => {
    const want = 4 * (TX_COUNT + 1);
    const { got } = await consume({ topic: topics.tx, groupId: `smoke-gtx-${run}`, done: (g) => g.length >= want });
    assert(got.length === want, `got ${got.length}, want ${want}`);
    return `${got.length} messages; last offset ${got[got.length - 1].offset} (markers take offsets)`;
  });

  await check('second producer with same transactionalId fences the first', async () => {
    const id = `smoke-fence-id-${run}`;
    const a = await transactionalProducer(id, { initialRetryTime: 20, retries: 3 });
    const b = await transactionalProducer(id, { initialRetryTime: 20, retries: 3 });
    try {
      let tx = await a.transaction();
      await tx.send({ topic: topics.fence, messages: [{ value: 'a-1' }] });
      await tx.commit();
      // b's first transaction() calls InitProducerId: bumps the epoch, fencing a
      const txb = await b.transaction();
      await txb.send({ topic: topics.fence, messages: [{ value: 'b-1' }] });
      await txb.commit();
      let err = null;
      try {
        tx = await a.transaction();
        await tx.send({ topic: topics.fence, messages: [{ value: 'a-2 (must not land)' }] });
        await tx.commit();
      } catch (e) {
        err = e;
        try {
          await tx.abort();
        } catch {
          /* fenced: abort fails too */
        }
      }
      assert(err, 'fenced producer send/commit succeeded');
      const type = err.type || err.originalError?.type || err.cause?.type || '';
      // b still works after fencing a
      const txb2 = await b.transaction();
      await txb2.send({ topic: topics.fence, messages: [{ value: 'b-2' }] });
      await txb2.commit();
      const { got } = await consume({
        topic: topics.fence,
        groupId: `smoke-gf-${run}`,
        done: (g) => g.some((m) => m.value === 'b-2'),
      });
      const values = got.map((m) => m.value);
      assert(!values.includes('a-2 (must not land)'), `fenced write visible: ${values}`);
      return `first producer got ${err.name}${type ? ` ${type}` : ''}: "${err.message}"; read_committed sees ${JSON.stringify(values)}`;
    } finally {
      await a.disconnect().catch(() => {});
      await b.disconnect().catch(() => {});
    }
  });

  await check('read_committed consumer does not see an aborted transaction', async () => {
    const p = await transactionalProducer(`smoke-abort-id-${run}`, { initialRetryTime: 20 });
    try {
      let tx = await p.transaction();
      await tx.send({ topic: topics.abort, messages: [{ value: 'aborted-1' }, { value: 'aborted-2' }] });
      await tx.abort();
      tx = await p.transaction();
      await tx.send({ topic: topics.abort, messages: [{ value: 'committed-1' }] });
      await tx.commit();
    } finally {
      await p.disconnect();
    }
    const rc = await consume({
      topic: topics.abort,
      groupId: `smoke-ga-rc-${run}`,
      done: (g) => g.some((m) => m.value === 'committed-1'),
    });
    const rcValues = rc.got.map((m) => m.value);
    assert(JSON.stringify(rcValues) === '["committed-1"]', `read_committed saw ${JSON.stringify(rcValues)}`);
    const ru = await consume({
      topic: topics.abort,
      groupId: `smoke-ga-ru-${run}`,
      readUncommitted: true,
      done: (g) => g.some((m) => m.value === 'committed-1'),
    });
    const ruValues = ru.got.map((m) => m.value);
    assert(ruValues.includes('aborted-1'), `read_uncommitted control did not see the aborted records: ${ruValues}`);
    return `read_committed ${JSON.stringify(rcValues)}; read_uncommitted (control) ${JSON.stringify(ruValues)}`;
  });
} finally {
  await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => {});
  await admin.disconnect().catch(() => {});
}

console.log(`kafkajs CONCURRENT_TRANSACTIONS responses (retried): ${concurrentTx}`);
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
