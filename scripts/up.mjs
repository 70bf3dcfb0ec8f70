#!/usr/bin/env node
// npm run up: Kafka and Postgres if none answers, the Twilio stand-in, the
// three services in the background; returns once every /health answers 200.
import { stackEnv } from './lib/env.mjs';
import { up } from './lib/stack.mjs';

const { env, defaulted } = stackEnv();
try {
  console.log('callpool: bringing the stack up');
  await up(env);
  for (const name of defaulted) console.log(`  ${name}=${env[name]}  (development default; set it to override)`);
  console.log(`  logs and pid files in ${env.CALLPOOL_RUN_DIR}; stop with: npm run down`);
} catch (error) {
  console.error(`callpool: up failed: ${error.message}`);
  process.exit(1);
}
