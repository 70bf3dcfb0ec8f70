// The environment `npm run up` / `npm start` give the services: the caller's
// values where set, else development defaults (CONTRACT.md, Environment).
import { readFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The same file the services' own defaults come from (libs/config), so both always agree. */
export function devDefaults() {
  return JSON.parse(readFileSync(resolve(ROOT, 'libs/config/src/dev-defaults.json'), 'utf8'));
}

export function stackEnv(base = process.env) {
  const env = { ...base };
  const defaulted = [];
  for (const [name, value] of Object.entries(devDefaults())) {
    if (!env[name]) {
      env[name] = value;
      defaulted.push(name);
    }
  }
  env.KAFKA_BROKERS ??= '127.0.0.1:9092';
  env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/callpool';
  env.ALLOCATOR_PORT ??= '3001';
  env.CALL_INGEST_PORT ??= '3002';
  env.PROJECTOR_PORT ??= '3003';
  env.TWILIO_STANDIN_PORT ??= '3010';
  // The simulator, the demo and the benchmarks drive thousands of visitors from this host.
  env.RATE_LIMIT_ALLOW ??= '127.0.0.1,::1';
  env.DEMO_PORT ??= '3000';
  env.PUBLIC_BASE_URL ??= `http://127.0.0.1:${env.CALL_INGEST_PORT}`;
  env.CALLPOOL_RUN_DIR ??= resolve(ROOT, '.data/run');
  env.CALL_INGEST_DATA_DIR ??= resolve(env.CALLPOOL_RUN_DIR, 'call-ingest');
  return { env, defaulted };
}

export const local = (port) => `http://127.0.0.1:${port}`;
