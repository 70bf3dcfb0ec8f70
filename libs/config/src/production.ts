import { z } from 'zod';
import devDefaults from './dev-defaults.json';

/**
 * The development values `npm run up` / `npm start` fill in when the
 * environment has none (scripts/lib/env.mjs reads the same file), and the
 * services' own defaults. One place, so the services agree with each other and
 * production can recognise them.
 */
export const DEV_DEFAULTS: Readonly<Record<keyof typeof devDefaults, string>> = devDefaults;

/** Secrets shorter than this are refused in production (a Twilio auth token is 32 hex characters). */
export const MIN_SECRET_LENGTH = 32;

export const deploymentEnv = {
  /** `production` makes the service refuse unsafe settings at start (CONTRACT.md v3). */
  CALLPOOL_ENV: z.enum(['development', 'production']).default('development'),
};

export interface ProductionRules {
  /** Tokens: no development value, at least MIN_SECRET_LENGTH characters. */
  secrets?: string[];
  /** Passwords people type: no development value. */
  passwords?: string[];
  /** The URL Twilio reaches us at: must not be loopback. */
  publicUrl?: string;
  /** Must be set (the call rings through it when we cannot answer). */
  required?: string[];
  /** Must be set, and not to its development default. */
  notDevelopment?: string[];
  /** A Postgres URL: must log in with a password (see `databaseUrlProblem`). */
  databaseUrl?: string;
}

type Env = Record<string, unknown> & { CALLPOOL_ENV: 'development' | 'production'; CALLPOOL_CLOCK: string };

/**
 * A zod superRefine for an app's environment. In every mode: a manual clock
 * needs CALLPOOL_ADMIN_TOKEN (POST /internal/clock requires it). With
 * CALLPOOL_ENV=production, each broken rule is an issue naming the variable.
 * Messages never contain the value (they end up in logs).
 */
export function safeSettings(rules: ProductionRules) {
  return (env: Env, ctx: z.RefinementCtx): void => {
    if (env.CALLPOOL_CLOCK === 'manual' && !env.CALLPOOL_ADMIN_TOKEN)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['CALLPOOL_ADMIN_TOKEN'],
        message: 'required with CALLPOOL_CLOCK=manual: POST /internal/clock needs a bearer token',
      });
    if (env.CALLPOOL_ENV !== 'production') return;
    const refuse = (name: string, message: string) =>
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name], message: `${message} (CALLPOOL_ENV=production)` });
    for (const name of rules.secrets ?? []) {
      const value = env[name];
      if (typeof value !== 'string' || value === '') refuse(name, 'required');
      else if (isDevelopmentValue(value)) refuse(name, 'is a development value');
      else if (value.length < MIN_SECRET_LENGTH) refuse(name, `must be at least ${MIN_SECRET_LENGTH} characters`);
    }
    for (const name of rules.passwords ?? [])
      if (typeof env[name] === 'string' && isDevelopmentValue(env[name] as string))
        refuse(name, 'is a development value');
    for (const name of rules.required ?? []) if (!env[name]) refuse(name, 'required');
    for (const name of rules.notDevelopment ?? [])
      if (!env[name] || isDevelopmentValue(String(env[name]))) refuse(name, 'must be set to the real value');
    const database = rules.databaseUrl ? databaseUrlProblem(String(env[rules.databaseUrl] ?? '')) : null;
    if (rules.databaseUrl && database) refuse(rules.databaseUrl, database);
    if (rules.publicUrl && isLoopbackUrl(String(env[rules.publicUrl] ?? '')))
      refuse(rules.publicUrl, 'must be a URL Twilio can reach, not a loopback address');
  };
}

export const DEV_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/callpool';

/**
 * What is unsafe about a production DATABASE_URL, or null. A URL without a
 * password only connects where Postgres trusts the connection (trust or peer
 * authentication, as in development): anyone who reaches that port is the
 * database's owner. The message never contains the URL (it carries the password).
 */
export function databaseUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (value === DEV_DATABASE_URL) return 'is the development database (trust authentication)';
  const password = decodeURIComponent(url.password);
  if (password === '') return 'has no password: a password-less login means trust or peer authentication';
  if (isDevelopmentValue(password) || password === url.username || password === 'postgres')
    return 'has a development or guessable password';
  return null;
}

/** Values known from development: ours, the Twilio stand-in's, and the placeholders docs show. */
export function isDevelopmentValue(value: string): boolean {
  return (
    Object.values(DEV_DEFAULTS).includes(value) ||
    ['dev-auth-token', 'AC00000000000000000000000000000000', 'changeme', 'secret', 'password'].includes(value)
  );
}

export function isLoopbackUrl(value: string): boolean {
  let host: string;
  try {
    host = new URL(value).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return false;
  }
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    host === '0.0.0.0' ||
    /^127\.\d+\.\d+\.\d+$/.test(host)
  );
}
