import { z } from 'zod';
import { commonEnv, dealerWebhookEnv, DEV_DEFAULTS, envHelpers, loadConfig, safeSettings } from '@callpool/config';
import { E164 } from '@callpool/contracts';
import { DEFAULT_POLICY as D, PoolPolicy, poolPolicy } from '@callpool/pool-domain';

const { port, seconds } = envHelpers;
const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const ratio = (fallback: number) => z.coerce.number().positive().default(fallback);
const httpUrl = z
  .string()
  .url('must be an absolute http(s) URL')
  .refine((value) => /^https?:\/\//.test(value), 'must start with http:// or https://')
  .transform((value) => value.replace(/\/+$/, ''));

const S = 1000;
const origins = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((origin) => origin.trim().replace(/\/+$/, ''))
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'each origin must be scheme://host[:port], no path')));

const addressList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((address) => address.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().ip('each must be an IP address')));

const trustProxy = z
  .string()
  .optional()
  .transform((value): boolean | number | string | undefined => {
    if (value === undefined || value === '' || value === 'false') return undefined;
    if (value === 'true') return true;
    return /^\d+$/.test(value) ? Number(value) : value;
  });

/**
 * The allocator's environment (CONTRACT.md names, plus its own in the same
 * style). The admin token has no default: whoever can call the listing
 * endpoints can redirect a dealer's calls. The pool's defaults are the
 * domain's DEFAULT_POLICY, so `npm run up`, `npm start`, `npm run simulate`
 * and the unit specs share one set (docs/simulation.md measures them).
 */
export const allocatorEnv = z
  .object({
    ...commonEnv,
    ...dealerWebhookEnv,
    ALLOCATOR_PORT: port(3001),
    /** This allocator's shard = its partition of callpool.allocations. */
    ALLOCATOR_SHARD: z.coerce.number().int().min(0).default(0),
    CALLPOOL_ADMIN_TOKEN: z
      .string({ required_error: 'required: the listing endpoints need a bearer token' })
      .min(8, 'at least 8 characters'),
    TWILIO_ACCOUNT_SID: z.string().min(1).default(DEV_DEFAULTS.TWILIO_ACCOUNT_SID),
    TWILIO_AUTH_TOKEN: z.string().min(1).default(DEV_DEFAULTS.TWILIO_AUTH_TOKEN),
    /** Base URL of Twilio's REST API; unset in production (https://api.twilio.com). */
    TWILIO_API_URL: httpUrl.optional(),
    /** A slow Twilio must not stall the replenisher: each request gives up after this. */
    TWILIO_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
    /** Where Twilio posts calls to bought numbers: call-ingest (voiceUrl = this + /twilio/voice, statusCallback = + /twilio/status). */
    PUBLIC_BASE_URL: z.string().default('http://127.0.0.1:3002').pipe(httpUrl),
    /**
     * Set on every number bought as Twilio's VoiceFallbackUrl: used when call-ingest
     * fails or times out, so the call still rings. In production a static TwiML
     * document (TwiML Bin or a file on a CDN) that <Dial>s DIRECTORY_MAIN_LINE.
     * Unset: numbers are bought without a fallback.
     */
    TWILIO_VOICE_FALLBACK_URL: httpUrl.optional(),
    DIRECTORY_MAIN_LINE: E164.default(DEV_DEFAULTS.DIRECTORY_MAIN_LINE),
    SESSION_IDLE_SECONDS: seconds(D.sessionIdleMs / S),
    LOCK_DAYS: count(D.lockMs / (24 * 3600 * S)),
    LISTINGS_PER_SESSION: ratio(D.listingsPerSession),
    /** A target, not a gate: how long a freed number should rest before another visitor gets it. */
    COOLDOWN_SECONDS: seconds(D.cooldownMs / S),
    /** Which free number a new holder gets: `dealer` (same listing, same dealer, then LRU), `listing`, `lru`. */
    REUSE_POLICY: z.enum(['dealer', 'listing', 'lru']).default(D.reuse),
    POOL_FLOOR: z.coerce.number().int().min(0).default(D.poolFloor),
    /** The spend cap: numbers owned in every state (Pool 2 and listing-level numbers too), about $1 each a month. */
    POOL_MAX: count(D.poolMax),
    /** Sizing: target = peak sessions per 10-minute window over this many windows × listings per session × this margin. */
    POOL_SIZING_WINDOWS: count(D.sizingLookbackWindows),
    POOL_SAFETY_MARGIN: ratio(D.safetyMargin),
    /** Free numbers kept at least, whatever the target: purchases take a moment, visitors arrive together. */
    POOL_MIN_FREE: z.coerce.number().int().min(0).default(D.minFree),
    /** Purchases started per replenishment round, and at most this many per minute. */
    PROVISION_STEP: count(D.provisionStep),
    PROVISION_RATE_PER_MINUTE: count(D.provisionRatePerMinute),
    /** Surplus numbers are released only after this long unused, and within this long of their monthly renewal. */
    RELEASE_IDLE_SECONDS: seconds(D.releaseIdleMs / S),
    RELEASE_BEFORE_RENEWAL_SECONDS: seconds(D.releaseBeforeRenewalMs / S),
    /** After a failed purchase the replenisher waits this long, doubling per failure up to the max (real time). */
    PROVISION_BACKOFF_MS: count(500),
    PROVISION_BACKOFF_MAX_MS: count(30_000),
    /** A failed release at Twilio is retried after this long, doubling per failure up to the max (real time). */
    RELEASE_RETRY_BASE_MS: count(1000),
    RELEASE_RETRY_MAX_MS: count(600_000),
    /** How often the replenisher looks at the pool (it also wakes on every overflow answer). */
    REPLENISH_INTERVAL_MS: count(1000),
    /** With the wall clock, how often due expiries are committed. */
    EXPIRY_INTERVAL_MS: count(1000),
    /** How often the start-up replay logs how far it is (it has no deadline; the lines show it is moving). */
    ALLOCATOR_REPLAY_PROGRESS_MS: count(5000),
    /**
     * Group commit (src/kafka/group-commit.ts): transactional producers the
     * shard pipelines its transactions over (2: the next batch is written
     * while the previous one commits; 1: one transaction at a time).
     */
    COMMIT_LANES: z.coerce.number().int().min(1).max(4).default(2),
    /** Decided events waiting for a transaction past which writes answer 503 `overloaded` (nothing decided). */
    COMMIT_QUEUE_MAX: count(10_000),
    /** A display or page view whose transaction has not committed after this long answers 503 `commit_timeout`. */
    COMMIT_TIMEOUT_MS: count(10000),
    /**
     * Rate limits of POST /v1/displays and POST /v1/page-views (each route
     * counted apart): requests per client address and per visitor id within
     * the window. A person's browser stays far below; a script does not.
     */
    RATE_LIMIT_PER_ADDRESS: count(600),
    RATE_LIMIT_PER_VISITOR: count(120),
    RATE_LIMIT_WINDOW_SECONDS: seconds(60),
    /**
     * New sessions (a display or page view of a session the pool does not know)
     * per client address within their own window: beyond it the display
     * answers overflow and is not counted when the pool is sized, so a script
     * opening fresh visitor ids cannot make the replenisher buy. A carrier's
     * NAT puts many people behind one address: keep it well above one address's real traffic.
     */
    RATE_LIMIT_SESSIONS_PER_ADDRESS: count(60),
    RATE_LIMIT_SESSIONS_WINDOW_SECONDS: seconds(600),
    /** Distinct listings one session may hold numbers for, and live sessions per visitor; beyond: overflow. */
    SESSION_MAX_LISTINGS: count(D.maxListingsPerSession),
    VISITOR_MAX_SESSIONS: count(D.maxSessionsPerVisitor),
    /** Client addresses never limited (the local simulator and benchmarks: npm run up sets 127.0.0.1,::1). */
    RATE_LIMIT_ALLOW: addressList,
    /**
     * Behind a load balancer every request comes from its address: trust its
     * X-Forwarded-For (Fastify's trustProxy: `true`, a hop count, or the
     * proxies' addresses/CIDRs, comma-separated). Unset: the socket's address.
     */
    TRUST_PROXY: trustProxy,
    /** `production` allows no browser origin by default (CONTRACT.md v3). */
    CALLPOOL_ENV: z.enum(['development', 'production']).default('development'),
    /** Origins whose browsers may call the API (CORS), comma separated; unset in development: the demo site's. */
    ALLOWED_ORIGINS: origins.optional(),
    DEMO_PORT: port(3000),
  })
  .refine((env) => env.POOL_FLOOR <= env.POOL_MAX, { path: ['POOL_FLOOR'], message: 'must not exceed POOL_MAX' })
  .superRefine(
    safeSettings({
      secrets: ['CALLPOOL_ADMIN_TOKEN', 'TWILIO_AUTH_TOKEN'],
      publicUrl: 'PUBLIC_BASE_URL',
      required: ['TWILIO_VOICE_FALLBACK_URL'],
      notDevelopment: ['TWILIO_ACCOUNT_SID', 'DIRECTORY_MAIN_LINE'],
    }),
  );

export type AllocatorConfig = z.infer<typeof allocatorEnv>;

export function loadAllocatorConfig(env: NodeJS.ProcessEnv = process.env): AllocatorConfig {
  return loadConfig(allocatorEnv, env);
}

/** ALLOWED_ORIGINS, else in development the demo site of `npm start` (DEMO_PORT), else none. */
export function allowedOrigins(config: AllocatorConfig): string[] {
  if (config.ALLOWED_ORIGINS) return config.ALLOWED_ORIGINS;
  if (config.CALLPOOL_ENV === 'production') return [];
  return [`http://127.0.0.1:${config.DEMO_PORT}`, `http://localhost:${config.DEMO_PORT}`];
}

export function policyFromConfig(config: AllocatorConfig): PoolPolicy {
  return poolPolicy({
    sessionIdleMs: config.SESSION_IDLE_SECONDS * 1000,
    lockMs: config.LOCK_DAYS * 24 * 3600 * 1000,
    cooldownMs: config.COOLDOWN_SECONDS * 1000,
    reuse: config.REUSE_POLICY,
    listingsPerSession: config.LISTINGS_PER_SESSION,
    poolFloor: config.POOL_FLOOR,
    poolMax: config.POOL_MAX,
    sizingLookbackWindows: config.POOL_SIZING_WINDOWS,
    safetyMargin: config.POOL_SAFETY_MARGIN,
    minFree: config.POOL_MIN_FREE,
    provisionStep: config.PROVISION_STEP,
    provisionRatePerMinute: config.PROVISION_RATE_PER_MINUTE,
    releaseIdleMs: config.RELEASE_IDLE_SECONDS * 1000,
    releaseBeforeRenewalMs: config.RELEASE_BEFORE_RENEWAL_SECONDS * 1000,
    maxListingsPerSession: config.SESSION_MAX_LISTINGS,
    maxSessionsPerVisitor: config.VISITOR_MAX_SESSIONS,
  });
}

/** Test and tooling helper: a full config from a few overrides, validated like the environment. */
export function allocatorConfig(overrides: Record<string, string | number | undefined>): AllocatorConfig {
  const env = Object.fromEntries(
    Object.entries(overrides)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
  return loadAllocatorConfig(env);
}
