import { DEV_DEFAULTS, isLoopbackUrl } from '@callpool/config';
import { loadAllocatorConfig } from '../../apps/allocator/src/config';
import { loadCallIngestConfig } from '../../apps/call-ingest/src/config';
import { loadProjectorConfig } from '../../apps/projector/src/config';

/** CONTRACT.md v3: CALLPOOL_ENV=production refuses unsafe settings, naming the variable, never printing its value. */
const ADMIN = 'a'.repeat(24) + '-admin-token-xyz';
const TWILIO = 'f3e1c0b2a4d6e8f0a1b3c5d7e9f1a3b5';
const safe = {
  CALLPOOL_ENV: 'production',
  CALLPOOL_ADMIN_TOKEN: ADMIN,
  TWILIO_ACCOUNT_SID: 'AC1234567890abcdef1234567890abcdef',
  TWILIO_AUTH_TOKEN: TWILIO,
  PUBLIC_BASE_URL: 'https://calls.example.com',
  TWILIO_VOICE_FALLBACK_URL: 'https://cdn.example.com/fallback.xml',
  DIRECTORY_MAIN_LINE: '+14155550123',
};

const DB_PASSWORD = 'Vq8-projector-db-password-3kz';
const safeProjector = {
  ...safe,
  ANALYST_PASSWORD: 'a-real-analyst-password',
  DATABASE_URL: `postgres://callpool:${DB_PASSWORD}@db.internal:5432/callpool?sslmode=require`,
};

function refusal(load: (env: NodeJS.ProcessEnv) => unknown, env: Record<string, string | undefined>): string {
  try {
    load(env as NodeJS.ProcessEnv);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('production refuses unsafe configuration', () => {
  it('accepts a safe production environment in every service', () => {
    expect(loadAllocatorConfig(safe).CALLPOOL_ENV).toBe('production');
    expect(loadCallIngestConfig(safe).CALLPOOL_ENV).toBe('production');
    expect(loadProjectorConfig(safeProjector).CALLPOOL_ENV).toBe('production');
  });

  it.each([
    ['a development admin token', { CALLPOOL_ADMIN_TOKEN: DEV_DEFAULTS.CALLPOOL_ADMIN_TOKEN }, 'CALLPOOL_ADMIN_TOKEN'],
    ['an admin token under 32 characters', { CALLPOOL_ADMIN_TOKEN: 'short-but-not-dev' }, 'CALLPOOL_ADMIN_TOKEN'],
    ['a development Twilio token', { TWILIO_AUTH_TOKEN: DEV_DEFAULTS.TWILIO_AUTH_TOKEN }, 'TWILIO_AUTH_TOKEN'],
    ['a Twilio token under 32 characters', { TWILIO_AUTH_TOKEN: 'abc123' }, 'TWILIO_AUTH_TOKEN'],
    ['a loopback public URL', { PUBLIC_BASE_URL: 'http://127.0.0.1:3002' }, 'PUBLIC_BASE_URL'],
    ['a localhost public URL', { PUBLIC_BASE_URL: 'http://localhost:3002' }, 'PUBLIC_BASE_URL'],
    ['the default public URL', { PUBLIC_BASE_URL: undefined }, 'PUBLIC_BASE_URL'],
    ['no voice fallback URL', { TWILIO_VOICE_FALLBACK_URL: undefined }, 'TWILIO_VOICE_FALLBACK_URL'],
    ['the development main line', { DIRECTORY_MAIN_LINE: undefined }, 'DIRECTORY_MAIN_LINE'],
    ['the development account SID', { TWILIO_ACCOUNT_SID: undefined }, 'TWILIO_ACCOUNT_SID'],
  ])('the allocator refuses %s, naming the variable', (_rule, change, variable) => {
    const message = refusal(loadAllocatorConfig, { ...safe, ...change });
    expect(message).toMatch(new RegExp(`\\b${variable} \\([^)]*\\): .*CALLPOOL_ENV=production`));
  });

  it.each([
    ['a development Twilio token', { TWILIO_AUTH_TOKEN: DEV_DEFAULTS.TWILIO_AUTH_TOKEN }, 'TWILIO_AUTH_TOKEN'],
    ['a Twilio token under 32 characters', { TWILIO_AUTH_TOKEN: 'abc123' }, 'TWILIO_AUTH_TOKEN'],
    ['a loopback public URL', { PUBLIC_BASE_URL: 'http://[::1]:3002' }, 'PUBLIC_BASE_URL'],
    ['no voice fallback URL', { TWILIO_VOICE_FALLBACK_URL: undefined }, 'TWILIO_VOICE_FALLBACK_URL'],
    ['the development main line', { DIRECTORY_MAIN_LINE: undefined }, 'DIRECTORY_MAIN_LINE'],
  ])('call-ingest refuses %s, naming the variable', (_rule, change, variable) => {
    expect(refusal(loadCallIngestConfig, { ...safe, ...change })).toMatch(new RegExp(`\\b${variable} \\(`));
  });

  it('the projector refuses the development analyst password', () => {
    const message = refusal(loadProjectorConfig, { ...safe, ANALYST_PASSWORD: DEV_DEFAULTS.ANALYST_PASSWORD });
    expect(message).toMatch(/ANALYST_PASSWORD \(set, value hidden\): is a development value/);
  });

  it.each([
    ['the development database URL (trust authentication)', undefined, /is the development database/],
    ['a password-less DATABASE_URL', 'postgres://callpool@db.internal:5432/callpool', /has no password/],
    ['a guessable database password', 'postgres://postgres:postgres@db.internal/callpool', /guessable password/],
  ])('the projector refuses %s, never printing it', (_rule, url, reason) => {
    const message = refusal(loadProjectorConfig, { ...safeProjector, DATABASE_URL: url });
    expect(message).toMatch(/DATABASE_URL \((unset|set, value hidden)\): /);
    expect(message).toMatch(reason);
    expect(message).toMatch(/CALLPOOL_ENV=production/);
    if (url) expect(message).not.toContain(url.slice('postgres://'.length));
    expect(message).not.toContain(DB_PASSWORD);
  });

  it('development keeps the trust-auth database of npm start', () => {
    expect(loadProjectorConfig({}).DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/callpool');
  });

  it('never prints a secret value, in production or development', () => {
    const leaky = [
      refusal(loadAllocatorConfig, { ...safe, CALLPOOL_ADMIN_TOKEN: 'short-secret-xyz' }),
      refusal(loadCallIngestConfig, { ...safe, TWILIO_AUTH_TOKEN: 'tiny-secret-abc' }),
      refusal(loadAllocatorConfig, { CALLPOOL_ADMIN_TOKEN: 'tiny' }),
      refusal(loadProjectorConfig, { DATABASE_URL: 'mysql://user:hunter2-secret@db/callpool' }),
    ].join('\n');
    for (const secret of ['short-secret-xyz', 'tiny-secret-abc', 'tiny', 'hunter2-secret'])
      expect(leaky).not.toContain(secret);
    expect(leaky).toContain('CALLPOOL_ADMIN_TOKEN (set, value hidden)');
  });

  it('development accepts the development values and loopback URLs', () => {
    const config = loadAllocatorConfig({ CALLPOOL_ADMIN_TOKEN: DEV_DEFAULTS.CALLPOOL_ADMIN_TOKEN });
    expect(config).toMatchObject({
      CALLPOOL_ENV: 'development',
      TWILIO_AUTH_TOKEN: DEV_DEFAULTS.TWILIO_AUTH_TOKEN,
      DIRECTORY_MAIN_LINE: DEV_DEFAULTS.DIRECTORY_MAIN_LINE,
    });
    expect(loadCallIngestConfig({ TWILIO_AUTH_TOKEN: 't' }).DIRECTORY_MAIN_LINE).toBe(config.DIRECTORY_MAIN_LINE);
  });

  it('every service refuses a manual clock without the admin token that guards /internal/clock', () => {
    expect(refusal(loadCallIngestConfig, { TWILIO_AUTH_TOKEN: 't', CALLPOOL_CLOCK: 'manual' })).toMatch(
      /CALLPOOL_ADMIN_TOKEN \(unset\): required with CALLPOOL_CLOCK=manual/,
    );
    expect(refusal(loadProjectorConfig, { CALLPOOL_CLOCK: 'manual' })).toMatch(/CALLPOOL_ADMIN_TOKEN/);
    expect(loadProjectorConfig({ CALLPOOL_CLOCK: 'manual', CALLPOOL_ADMIN_TOKEN: 'clock-token' }).CALLPOOL_CLOCK).toBe(
      'manual',
    );
  });

  it('knows a loopback URL when it sees one', () => {
    expect(
      ['http://127.0.0.5', 'http://localhost', 'http://api.localhost', 'http://0.0.0.0:1'].every(isLoopbackUrl),
    ).toBe(true);
    expect(['https://calls.example.com', 'http://10.0.0.5', 'not a url'].some(isLoopbackUrl)).toBe(false);
  });
});
