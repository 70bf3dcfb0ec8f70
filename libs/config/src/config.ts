import { z } from 'zod';
import { deploymentEnv, DEV_DATABASE_URL } from './production';

/**
 * One validated schema per app (STYLE.md #8). A bad value stops the service at
 * start-up with a message naming the variable, instead of failing later on the
 * first request that needs it.
 */
export class ConfigError extends Error {}

export function loadConfig<S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.') || '(environment)';
    const name = String(issue.path[0]);
    const value = env[name];
    const shown = value === undefined ? 'unset' : isSecretName(name) ? 'set, value hidden' : `"${value}"`;
    return `  ${variable} (${shown}): ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
}

/** Never echo these: tokens, passwords, and URLs that may carry a password. */
export function isSecretName(name: string): boolean {
  return /TOKEN|PASSWORD|SECRET|KEY|DATABASE_URL/i.test(name);
}

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Variables every service reads (CONTRACT.md, Environment). */
export const commonEnv = {
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((value) =>
      value
        .split(',')
        .map((broker) => broker.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[^\s:]+:\d+$/, 'each broker must be host:port')).min(1)),
  CALLPOOL_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, dot, dash, underscore')
    .default(''),
  CALLPOOL_CLOCK: z.enum(['wall', 'manual']).default('wall'),
  /** Replicas of each topic the services create (at most the number of brokers). */
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(16).default(1),
  ...deploymentEnv,
  /** Bearer token of POST /internal/clock (and the allocator's listing endpoints); required with a manual clock. */
  CALLPOOL_ADMIN_TOKEN: z.string().min(8, 'at least 8 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export const databaseEnv = {
  DATABASE_URL: z
    .string()
    .default(DEV_DATABASE_URL)
    .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// URL'),
};

export const envHelpers = { port, seconds };

/**
 * Seals dealers' webhook secrets in the log (allocator) and opens them to sign
 * deliveries (projector): both must hold the same value. The default is for
 * development only; set a long random value in production.
 */
export const DEV_DEALER_WEBHOOK_KEY = 'callpool-development-dealer-webhook-key';
export const dealerWebhookEnv = {
  DEALER_WEBHOOK_KEY: z.string().min(16, 'at least 16 characters').default(DEV_DEALER_WEBHOOK_KEY),
};
