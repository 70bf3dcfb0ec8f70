import { z } from 'zod';
import { databaseEnv, envHelpers, loadConfig } from '@callpool/config';

const { port } = envHelpers;

/** The demo listing site's environment: the stack's own variables plus DEMO_*. */
export const demoEnv = z
  .object({
    ...databaseEnv,
    DEMO_PORT: port(3000),
    ALLOCATOR_PORT: port(3001),
    CALL_INGEST_PORT: port(3002),
    /** The allocator as the visitor's browser reaches it (the snippet's src and API). */
    DEMO_ALLOCATOR_URL: z.string().url().optional(),
    PUBLIC_BASE_URL: z.string().url().default('http://127.0.0.1:3002'),
    CALLPOOL_ADMIN_TOKEN: z.string({ required_error: 'required: the demo registers its listings' }).min(8),
    TWILIO_AUTH_TOKEN: z.string({ required_error: 'required: the simulated calls are signed with it' }).min(1),
    TWILIO_ACCOUNT_SID: z.string().min(1).default('AC00000000000000000000000000000dev'),
    /** How long the snippet waits for a number before leaving the dealer's (data-callpool-timeout). */
    DEMO_SNIPPET_TIMEOUT_MS: z.coerce.number().int().positive().default(1500),
  })
  .transform((env) => ({
    ...env,
    allocatorUrl: (env.DEMO_ALLOCATOR_URL ?? `http://127.0.0.1:${env.ALLOCATOR_PORT}`).replace(/\/+$/, ''),
    callIngestUrl: `http://127.0.0.1:${env.CALL_INGEST_PORT}`,
  }));

export type DemoConfig = z.infer<typeof demoEnv>;

export function loadDemoConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  return loadConfig(demoEnv, env);
}
