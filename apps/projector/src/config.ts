import { z } from 'zod';
import { commonEnv, databaseEnv, dealerWebhookEnv, loadConfig, safeSettings } from '@callpool/config';
import { DEFAULT_POLICY } from '@callpool/pool-domain';

const schemaName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,40}$/, 'a lower-case Postgres identifier (letters, digits, underscore)');

/**
 * The projector's environment (CONTRACT.md, Environment). Port 0 is allowed so
 * in-process tests can take any free port.
 */
export const projectorEnv = z
  .object({
    ...commonEnv,
    ...databaseEnv,
    ...dealerWebhookEnv,
    PROJECTOR_PORT: z.coerce.number().int().min(0).max(65535).default(3003),
    /**
     * Password of the read-only `callpool_analyst` role. Unset or empty: the role
     * is still created, but NOLOGIN (grant it to real users, or set this and restart).
     */
    ANALYST_PASSWORD: z
      .string()
      .optional()
      .transform((value) => (value ? value : undefined)),
    /**
     * Most messages projected in one Postgres transaction. Larger batches update
     * fewer rows twice (an interval opened in one batch and closed in the next):
     * 5 000 caught up ~30 % faster than 1 000 in `npm run bench -- --only projector`.
     */
    PROJECTOR_BATCH_SIZE: z.coerce.number().int().min(1).max(20000).default(5000),
    /**
     * Partitions (topics) projected at once, each batch in its own transaction.
     * Only `sessions` is written from two topics; its rows merge
     * order-independently and are upserted in key order, so concurrent batches
     * neither lose an update nor deadlock.
     */
    PROJECTOR_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(3),
    /** The schema analysts read (search_path of the database and of the analyst role). */
    PROJECTOR_SCHEMA: schemaName.default('callpool'),
    /** How long the projector waits before reconnecting after a failed batch. */
    PROJECTOR_RETRY_MS: z.coerce.number().int().min(10).max(60000).default(1000),
    /** How often a rebuild (`npm run projector:rebuild`, or the projector's own) logs how far it is. */
    PROJECTOR_REBUILD_PROGRESS_MS: z.coerce.number().int().min(100).default(5000),
    /** Event ids are kept this many days of event time to recognise redeliveries (projection/dedupe-horizon.ts). */
    PROJECTOR_DEDUPE_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /** How often (real time) ids past that horizon are deleted. */
    PROJECTOR_DEDUPE_TRIM_INTERVAL_MS: z.coerce.number().int().min(10).default(60_000),
    /** The role that owns the schema and that the projector runs as (created if DATABASE_URL's user may). */
    PROJECTOR_DB_ROLE: schemaName.default('callpool_projector'),
    /** Dealer webhooks (wall clock, also under CALLPOOL_CLOCK=manual): how often due deliveries are looked for. */
    WEBHOOK_POLL_MS: z.coerce.number().int().min(10).default(1000),
    /** First retry after this long, doubling per failed attempt up to WEBHOOK_RETRY_MAX_MS, each with jitter. */
    WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(10_000),
    WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().min(1).default(3_600_000),
    /** A delivery still failing this long after its call completed is given up. */
    WEBHOOK_GIVE_UP_HOURS: z.coerce.number().positive().default(24),
    /** A dealer's server that has not answered after this long counts as a failed attempt. */
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(10).default(10_000),
    /** The dashboard draws the seed rule (peak sessions × this) and the cap; same variables as the allocator's. */
    LISTINGS_PER_SESSION: z.coerce.number().positive().default(DEFAULT_POLICY.listingsPerSession),
    POOL_MAX: z.coerce.number().int().positive().default(DEFAULT_POLICY.poolMax),
  })
  .superRefine(safeSettings({ passwords: ['ANALYST_PASSWORD'], databaseUrl: 'DATABASE_URL' }));

export type ProjectorConfig = z.infer<typeof projectorEnv>;

export function loadProjectorConfig(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  return loadConfig(projectorEnv, env);
}
