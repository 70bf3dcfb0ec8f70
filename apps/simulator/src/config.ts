import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_MODEL } from './model';
import { DEFAULT_MENU_RATES } from './runner/caller-menu';
import { SimulationConfig } from './simulation';

const num = z.coerce.number();
const share = z.coerce.number().min(0).max(1);

/** Command line (kebab-case) over environment, validated; a bad value names its option. */
const Cli = z.object({
  seed: z.string().min(1).default('1'),
  days: num.positive().max(60).default(DEFAULT_MODEL.days),
  'start-hour': num.min(0).max(23.99).default(0),
  'tail-hours': num.min(0).max(240).default(DEFAULT_MODEL.tailHours),
  'visitors-per-day': num.nonnegative().default(DEFAULT_MODEL.visitorsPerDay),
  listings: num.int().positive().default(DEFAULT_MODEL.listings),
  'listings-per-dealer': num.int().positive().default(DEFAULT_MODEL.listingsPerDealer),
  'premium-share': share.default(DEFAULT_MODEL.premiumShare),
  'returning-share': share.default(DEFAULT_MODEL.returningShare),
  'listings-per-session': num.min(1).default(DEFAULT_MODEL.listingsPerSession),
  'think-seconds': num.positive().default(DEFAULT_MODEL.thinkSeconds),
  'call-probability': share.default(DEFAULT_MODEL.callProbability),
  'call-timing-mix': z
    .string()
    .regex(/^[\d.]+,[\d.]+,[\d.]+,[\d.]+$/, 'four weights: in-session,after-session,hours-later,days-later')
    .optional(),
  'repeat-call-probability': share.default(DEFAULT_MODEL.repeatCallProbability),
  'answer-rate': share.default(DEFAULT_MODEL.answerRate),
  'sales-per-day': share.default(DEFAULT_MODEL.salesPerDay),
  'session-idle-seconds': num.int().positive().default(DEFAULT_MODEL.sessionIdleSeconds),
  start: z.string().datetime({ offset: true }).optional(),
  'run-id': z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,40}$/, 'letters, digits, _ . - (up to 40)')
    .optional(),
  'step-seconds': num.int().min(1).max(600).default(30),
  concurrency: num.int().min(1).max(256).default(16),
  'settle-ms': num.int().min(0).default(3000),
  'rule-listings-per-session': num.positive().default(5),
  'menu-right': share.default(DEFAULT_MENU_RATES.right),
  'menu-none': share.default(DEFAULT_MENU_RATES.none),
  'kafka-brokers': z.string().min(1).default('127.0.0.1:9092'),
  'topic-prefix': z.string().default(''),
  'allocator-url': z.string().url(),
  'call-ingest-url': z.string().url(),
  'projector-url': z.string().url(),
  'database-url': z.string().min(1),
  schema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('callpool'),
  'admin-token': z.string().min(1, 'CALLPOOL_ADMIN_TOKEN or --admin-token is required'),
  'twilio-auth-token': z.string().min(1, 'TWILIO_AUTH_TOKEN or --twilio-auth-token is required'),
  'public-base-url': z.string().url().optional(),
  json: z.boolean().default(false),
  'rule-only': z.boolean().default(false),
  help: z.boolean().default(false),
});

const booleans = new Set(['json', 'help', 'rule-only']);

export function cliOptions(): Record<string, { type: 'string' | 'boolean' }> {
  return Object.fromEntries(
    Object.keys(Cli.shape).map((name) => [name, { type: booleans.has(name) ? 'boolean' : 'string' }]),
  );
}

const local = (port: string | undefined, fallback: number) => `http://127.0.0.1:${port ?? fallback}`;

export interface CliSettings {
  simulation: Omit<SimulationConfig, 'onProgress'>;
  json: boolean;
  help: boolean;
  /** Print the seed rule of the traffic (JSON) and exit: what the sweep sizes POOL_MAX from. */
  ruleOnly: boolean;
}

export function loadCli(argv: string[], env: NodeJS.ProcessEnv): CliSettings {
  const { values } = parseArgs({ args: argv, options: cliOptions(), strict: true, allowPositionals: false });
  const parsed = Cli.safeParse({
    'allocator-url': env.ALLOCATOR_URL ?? local(env.ALLOCATOR_PORT, 3001),
    'call-ingest-url': env.CALL_INGEST_URL ?? local(env.CALL_INGEST_PORT, 3002),
    'projector-url': env.PROJECTOR_URL ?? local(env.PROJECTOR_PORT, 3003),
    'database-url': env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/callpool',
    schema: env.PROJECTOR_SCHEMA,
    'admin-token': env.CALLPOOL_ADMIN_TOKEN ?? '',
    'twilio-auth-token': env.TWILIO_AUTH_TOKEN ?? '',
    'public-base-url': env.PUBLIC_BASE_URL,
    'session-idle-seconds': env.SESSION_IDLE_SECONDS,
    'rule-listings-per-session': env.LISTINGS_PER_SESSION,
    'kafka-brokers': env.KAFKA_BROKERS,
    'topic-prefix': env.CALLPOOL_TOPIC_PREFIX,
    ...values,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`--${issue.path.join('.')}: ${issue.message}`);
  }
  const o = parsed.data;
  if (o['menu-right'] + o['menu-none'] > 1) throw new Error('--menu-right + --menu-none: at most 1 together');
  const mix = o['call-timing-mix']?.split(',').map(Number) as [number, number, number, number] | undefined;
  return {
    json: o.json,
    help: o.help,
    ruleOnly: o['rule-only'],
    simulation: {
      urls: {
        allocator: trim(o['allocator-url']),
        callIngest: trim(o['call-ingest-url']),
        projector: trim(o['projector-url']),
      },
      databaseUrl: o['database-url'],
      schema: o.schema,
      adminToken: o['admin-token'],
      twilioAuthToken: o['twilio-auth-token'],
      publicBaseUrl: trim(o['public-base-url'] ?? o['call-ingest-url']),
      stepSeconds: o['step-seconds'],
      concurrency: o.concurrency,
      settleMs: o['settle-ms'],
      ruleListingsPerSession: o['rule-listings-per-session'],
      startHour: o['start-hour'],
      menu: { right: o['menu-right'], none: o['menu-none'] },
      kafka: { brokers: o['kafka-brokers'].split(','), topicPrefix: o['topic-prefix'] },
      model: {
        seed: o.seed,
        days: o.days,
        tailHours: o['tail-hours'],
        visitorsPerDay: o['visitors-per-day'],
        listings: o.listings,
        listingsPerDealer: o['listings-per-dealer'],
        premiumShare: o['premium-share'],
        returningShare: o['returning-share'],
        listingsPerSession: o['listings-per-session'],
        thinkSeconds: o['think-seconds'],
        callProbability: o['call-probability'],
        repeatCallProbability: o['repeat-call-probability'],
        answerRate: o['answer-rate'],
        salesPerDay: o['sales-per-day'],
        sessionIdleSeconds: o['session-idle-seconds'],
        ...(mix ? { callTimingMix: mix } : {}),
        ...(o.start ? { startMs: Date.parse(o.start) } : {}),
        ...(o['run-id'] ? { runId: o['run-id'] } : {}),
      },
    },
  };
}

const trim = (url: string) => url.replace(/\/+$/, '');

export const USAGE = `usage: node dist/apps/simulator/src/main.js [options]   (npm run simulate -- [options] on a stack of its own)

traffic:   --seed 1  --days 1  --start-hour 0 (UTC hour the run starts at)  --tail-hours 0 (late calls only, after the last arrival)
           --visitors-per-day ${DEFAULT_MODEL.visitorsPerDay}  --listings ${DEFAULT_MODEL.listings}  --listings-per-dealer ${DEFAULT_MODEL.listingsPerDealer}
           --premium-share ${DEFAULT_MODEL.premiumShare}  --returning-share ${DEFAULT_MODEL.returningShare}  --listings-per-session ${DEFAULT_MODEL.listingsPerSession}  --think-seconds ${DEFAULT_MODEL.thinkSeconds}
           --call-probability ${DEFAULT_MODEL.callProbability}  --call-timing-mix ${DEFAULT_MODEL.callTimingMix.join(',')} (in-session,after-session,hours-later,days-later)
           --repeat-call-probability ${DEFAULT_MODEL.repeatCallProbability}  --answer-rate ${DEFAULT_MODEL.answerRate}  --sales-per-day ${DEFAULT_MODEL.salesPerDay}
run:       --start <ISO, default the next UTC midnight after the services' clocks>  --run-id s<seed>  --step-seconds 30
           --concurrency 16  --settle-ms 3000  --session-idle-seconds 600 (= SESSION_IDLE_SECONDS)  --rule-listings-per-session 5
callers:   --menu-right ${DEFAULT_MENU_RATES.right} (press their car's digit in the caller menu)  --menu-none ${DEFAULT_MENU_RATES.none} (press nothing; else a wrong digit)
stack:     --allocator-url --call-ingest-url --projector-url (default 127.0.0.1 and ALLOCATOR_PORT/CALL_INGEST_PORT/PROJECTOR_PORT)
           --database-url (DATABASE_URL)  --schema callpool  --admin-token (CALLPOOL_ADMIN_TOKEN)  --twilio-auth-token (TWILIO_AUTH_TOKEN)
           --public-base-url (PUBLIC_BASE_URL, default the call-ingest URL)
           --kafka-brokers (KAFKA_BROKERS)  --topic-prefix (CALLPOOL_TOPIC_PREFIX): where the run's NumberDisplayed events are
output:    --json (the report as one JSON object on stdout)  --rule-only (the seed rule of the traffic, JSON)  --help
npm run simulate -- --sweep [--pool-max-sweep 1,1.25,1.5,2,4] | --menu-compare [--menu-pool-factor 1]: see docs/simulation.md`;
