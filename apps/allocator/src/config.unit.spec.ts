import { allowedOrigins, loadAllocatorConfig, policyFromConfig } from './config';

const valid = { CALLPOOL_ADMIN_TOKEN: 'an-admin-token' };

describe('allocator config', () => {
  it('has the contract defaults', () => {
    const config = loadAllocatorConfig(valid);
    expect(config).toEqual(
      expect.objectContaining({
        ALLOCATOR_PORT: 3001,
        ALLOCATOR_SHARD: 0,
        PUBLIC_BASE_URL: 'http://127.0.0.1:3002',
        SESSION_IDLE_SECONDS: 600,
        LOCK_DAYS: 30,
        LISTINGS_PER_SESSION: 5,
        CALLPOOL_CLOCK: 'wall',
        KAFKA_BROKERS: ['127.0.0.1:9092'],
      }),
    );
    expect(policyFromConfig(config)).toEqual(
      expect.objectContaining({
        sessionIdleMs: 600_000,
        lockMs: 30 * 86_400_000,
        poolFloor: 20,
        poolMax: 2000,
        cooldownMs: 3_600_000,
      }),
    );
  });

  it.each([
    [{}, 'CALLPOOL_ADMIN_TOKEN'],
    [{ ...valid, POOL_FLOOR: '600', POOL_MAX: '500' }, 'POOL_FLOOR'],
    [{ ...valid, TWILIO_API_URL: 'localhost:3010' }, 'TWILIO_API_URL'],
    [{ ...valid, SESSION_IDLE_SECONDS: 'ten' }, 'SESSION_IDLE_SECONDS'],
    [{ ...valid, DIRECTORY_MAIN_LINE: '555-0100' }, 'DIRECTORY_MAIN_LINE'],
    [{ ...valid, CALLPOOL_CLOCK: 'sundial' }, 'CALLPOOL_CLOCK'],
    [{ ...valid, RATE_LIMIT_ALLOW: '127.0.0.1,not-an-address' }, 'RATE_LIMIT_ALLOW'],
    [{ ...valid, RATE_LIMIT_PER_VISITOR: '0' }, 'RATE_LIMIT_PER_VISITOR'],
    [{ ...valid, ALLOWED_ORIGINS: 'https://cars.example/listings' }, 'ALLOWED_ORIGINS'],
    [{ ...valid, ALLOWED_ORIGINS: 'cars.example' }, 'ALLOWED_ORIGINS'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(() => loadAllocatorConfig(env as NodeJS.ProcessEnv)).toThrow(variable);
  });
});

describe('browser origins (CORS)', () => {
  it("allows the demo site's origin in development when ALLOWED_ORIGINS is unset", () => {
    expect(allowedOrigins(loadAllocatorConfig({ ...valid, DEMO_PORT: '4000' }))).toEqual([
      'http://127.0.0.1:4000',
      'http://localhost:4000',
    ]);
  });

  it('allows exactly ALLOWED_ORIGINS when set, and nothing by default in production', () => {
    const listed = { ...valid, ALLOWED_ORIGINS: ' https://cars.example/, https://www.cars.example:8443 ' };
    expect(allowedOrigins(loadAllocatorConfig(listed))).toEqual([
      'https://cars.example',
      'https://www.cars.example:8443',
    ]);
    // (production refuses more settings than this test gives; only the field matters here)
    expect(allowedOrigins({ ...loadAllocatorConfig(valid), CALLPOOL_ENV: 'production' })).toEqual([]);
  });
});
