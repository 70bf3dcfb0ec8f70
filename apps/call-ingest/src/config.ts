import { z } from 'zod';
import { commonEnv, DEV_DEFAULTS, envHelpers, loadConfig, safeSettings } from '@callpool/config';
import { E164 } from '@callpool/contracts';

const { port, seconds } = envHelpers;

/**
 * call-ingest's environment (CONTRACT.md, Environment). The auth token has no
 * default: without it every webhook would either be refused (no calls ring) or
 * accepted unsigned (anyone could forge calls and invoices), so the service
 * refuses to start instead of failing open.
 */
export const callIngestEnv = z
  .object({
    ...commonEnv,
    CALL_INGEST_PORT: port(3002),
    TWILIO_AUTH_TOKEN: z
      .string({ required_error: 'required: call-ingest never accepts unsigned webhooks' })
      .min(1, 'must not be empty'),
    PUBLIC_BASE_URL: z
      .string()
      .default('http://127.0.0.1:3002')
      .pipe(z.string().url('must be an absolute http(s) URL'))
      .refine((value) => /^https?:\/\//.test(value), 'must start with http:// or https://')
      .transform((value) => value.replace(/\/+$/, '')),
    /**
     * Rings when nothing better is known. The default is a reserved fictional
     * number (555-01xx), fine for development; production sets the real line.
     */
    DIRECTORY_MAIN_LINE: E164.default(DEV_DEFAULTS.DIRECTORY_MAIN_LINE),
    /**
     * Not used here, but what makes a refused webhook safe: Twilio then rings the
     * call through this URL (set on every number the allocator buys). Production
     * refuses to start without it.
     */
    TWILIO_VOICE_FALLBACK_URL: z.string().url('must be an absolute http(s) URL').optional(),
    /** How long after a number stopped being held a call on it is still put down to that holder (7 days). */
    ATTRIBUTION_WINDOW_SECONDS: seconds(7 * 24 * 3600),
    /** The confidence of such a late call halves every this many seconds (1 day). */
    ATTRIBUTION_HALF_LIFE_SECONDS: seconds(24 * 3600),
    /**
     * v3: ask the caller (a one-key menu) when a number's recent holders name listings that ring different
     * dealers; `off` takes the most likely candidate instead, so the gain can be measured.
     */
    CALLER_MENU: z
      .enum(['on', 'off'], { message: 'must be on or off' })
      .default('on')
      .transform((value) => value === 'on'),
    /** How long the dealer's phone rings before the caller hears the apology (about five rings). */
    DIAL_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(600).default(25),
    CALL_INGEST_DATA_DIR: z.string().min(1).default('.data/call-ingest'),
    /** How often the number→holder view is written to disk (it is also written on shutdown). */
    VIEW_SNAPSHOT_SECONDS: seconds(30),
    /** /health is degraded while more call events than this wait in the spool for Kafka. */
    SPOOL_DEGRADED_PENDING: z.coerce.number().int().min(0).default(1000),
    /** /health answers 503 past this many (about 500 bytes each on disk): an operator must act. */
    SPOOL_MAX_PENDING: z.coerce.number().int().positive().default(1_000_000),
    /** Published spool segments are kept this long, so a restart still recognises Twilio's retries. */
    SPOOL_RETAIN_SECONDS: seconds(24 * 3600),
    /** Twilio's webhooks are a few kilobytes; anything much bigger is not Twilio (413). */
    CALL_INGEST_BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024)
      .default(32 * 1024),
  })
  .superRefine(
    safeSettings({
      secrets: ['TWILIO_AUTH_TOKEN'],
      publicUrl: 'PUBLIC_BASE_URL',
      required: ['TWILIO_VOICE_FALLBACK_URL'],
      notDevelopment: ['DIRECTORY_MAIN_LINE'],
    }),
  );

export type CallIngestConfig = z.infer<typeof callIngestEnv>;

export function loadCallIngestConfig(env: NodeJS.ProcessEnv = process.env): CallIngestConfig {
  return loadConfig(callIngestEnv, env);
}
