import { join } from 'node:path';
import { callParams, newCallSid } from '@callpool/call-driver';
import { CallpoolEvent, newEvent, topicName } from '@callpool/contracts';
import { createKafka, ensureTopics, TransactionalEventWriter } from '@callpool/kafka';
import { uniqueTopicPrefix } from '@callpool/testing';
import { twilioSignature } from '@callpool/twilio';
import { BenchContext } from '../context';
import { CpuShare, withCpu } from '../measure/cpu';
import { LoadRequest, LoadResult, runLoad } from '../measure/load';
import { freePort } from '../measure/ports';
import { HostedProcess, startHosted } from '../measure/processes';

export interface CallIngestLevel {
  concurrency: number;
  bare: LoadResult;
  bareSigned?: LoadResult;
  callIngest: LoadResult;
  cpu: Record<string, CpuShare>;
}

export interface CallIngestBenchResult {
  levels: CallIngestLevel[];
  profiles: string[];
}

export interface CallIngestBenchOptions {
  levels: number[];
  durationMs: number;
  maxRequests: number;
}

const AUTH_TOKEN = 'bench-twilio-auth-token';
const PUBLIC_BASE_URL = 'https://calls.callpool.bench';
const DISPLAYED = 200;
const numberOf = (i: number) => `+1628${String(7000000 + i)}`;

/**
 * POST /twilio/voice: signed webhooks, each a new call on a number currently
 * displayed to a visitor, into call-ingest (signature, attribution from its
 * in-memory view, CallReceived fsync'd to the spool before the answer) and
 * into a bare handler on the same framework that answers fixed TwiML.
 */
export async function benchCallIngest(
  ctx: BenchContext,
  options: CallIngestBenchOptions,
): Promise<CallIngestBenchResult> {
  const prefix = uniqueTopicPrefix('bench_call_ingest');
  await seedDisplayedNumbers(ctx, prefix);
  const levels = new Map<number, Partial<CallIngestLevel>>(options.levels.map((c) => [c, { concurrency: c, cpu: {} }]));
  const profiles: string[] = [];
  const sides: Array<{
    key: 'bare' | 'bareSigned' | 'callIngest';
    host: string;
    env: () => Promise<Record<string, string>>;
  }> = [
    { key: 'bare', host: 'bare-twiml', env: async () => ({ BARE_PORT: String(await freePort()) }) },
    {
      key: 'bareSigned',
      host: 'bare-twiml',
      env: async () => ({
        BARE_PORT: String(await freePort()),
        BARE_SIGNATURE: '1',
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        PUBLIC_BASE_URL,
      }),
    },
    {
      key: 'callIngest',
      host: 'call-ingest',
      env: async () => ({
        KAFKA_BROKERS: ctx.kafkaBrokers,
        CALLPOOL_TOPIC_PREFIX: prefix,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        PUBLIC_BASE_URL,
        CALL_INGEST_PORT: String(await freePort()),
        CALL_INGEST_DATA_DIR: join(ctx.outDir, 'call-ingest-data'),
        LOG_LEVEL: 'warn',
      }),
    },
  ];
  ctx.log(`call-ingest: signed voice webhooks on ${DISPLAYED} displayed numbers`);
  for (const side of sides) {
    const hosted = await startHosted(side.host, { outDir: ctx.outDir, env: await side.env() });
    try {
      for (const c of options.levels) {
        const file = join(ctx.outDir, `${side.key}-c${c}.cpuprofile`);
        const measure = () => runLevel(hosted, c, options);
        const { result, cpu } = await withCpu(hosted.pid, () =>
          ctx.profile ? hosted.profiled(file, measure) : measure(),
        );
        if (ctx.profile) profiles.push(file);
        const level = levels.get(c)!;
        level[side.key] = result;
        level.cpu![side.key] = cpu;
        ctx.log(
          `  ${side.key.padEnd(10)} c=${String(c).padStart(3)}: ${Math.round(result.throughput)}/s, p50 ${result.latency.p50.toFixed(2)} ms, p99 ${result.latency.p99.toFixed(2)} ms; cpu service ${cpu.service.toFixed(2)}, machine ${cpu.machine.toFixed(2)}${result.failures ? `; ${result.failures} failed ${JSON.stringify(result.failureExamples)}` : ''}`,
        );
      }
    } finally {
      await hosted.stop();
    }
  }
  return { profiles, levels: [...levels.values()] as CallIngestLevel[] };
}

function runLevel(hosted: HostedProcess, concurrency: number, options: CallIngestBenchOptions): Promise<LoadResult> {
  let n = 0;
  return runLoad({
    baseUrl: hosted.url,
    concurrency,
    warmupRequests: Math.max(200, concurrency * 20),
    durationMs: options.durationMs,
    maxRequests: options.maxRequests,
    next: () => voiceWebhook(numberOf(n++ % DISPLAYED)),
    accept: (status, body) => status === 200 && body.includes('<Dial'),
  });
}

/** What Twilio posts for a new inbound call: its parameters, form-encoded, signed over the public URL. */
function voiceWebhook(to: string): LoadRequest {
  const params = {
    ...callParams({ callSid: newCallSid(), accountSid: `AC${'0'.repeat(32)}`, from: '+14155550123', to }),
    CallStatus: 'ringing',
  };
  return {
    method: 'POST',
    path: '/twilio/voice',
    body: new URLSearchParams(params).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'x-twilio-signature': twilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}/twilio/voice`, params),
    },
  };
}

/** The allocator's side of the log: one premium listing per number, each number displayed to a live session. */
async function seedDisplayedNumbers(ctx: BenchContext, prefix: string): Promise<void> {
  const kafka = createKafka({ brokers: ctx.kafkaBrokers.split(','), clientId: 'bench-allocator', topicPrefix: prefix });
  await ensureTopics(kafka, prefix);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + 6 * 3600_000).toISOString();
  const event = <T extends Parameters<typeof newEvent>[0]>(type: T, data: Parameters<typeof newEvent<T>>[1]) =>
    newEvent(type, data, { occurredAt: now, metadata: { producer: 'allocator' } }) as CallpoolEvent;
  const events: CallpoolEvent[] = [];
  for (let i = 0; i < DISPLAYED; i++) {
    const listingId = `L-${i}`;
    events.push(
      event('ListingRegistered', {
        listingId,
        dealerId: `D-${i % 20}`,
        forwardTo: `+1415555${String(1000 + i)}`,
        tier: 'premium',
      }),
      event('NumberProvisioned', { number: numberOf(i), sid: `PN${String(i).padStart(32, '0')}` }),
      event('NumberDisplayed', {
        number: numberOf(i),
        pool: 'session',
        attribution: 'visitor',
        visitorId: `v-${i}`,
        sessionId: `s-${i}`,
        listingId,
        dealerId: `D-${i % 20}`,
        expiresAt,
        assignmentStarted: true,
        sessionStarted: true,
      }),
    );
  }
  const writer = new TransactionalEventWriter(kafka, `${prefix}bench-allocator`);
  await writer.connect();
  try {
    await writer.commit([{ topic: topicName('allocations', prefix), events, partition: 0 }]);
  } finally {
    await writer.disconnect();
  }
}
