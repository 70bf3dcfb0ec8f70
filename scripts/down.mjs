#!/usr/bin/env node
// npm run down: stops what `npm run up` started (services, and Kafka/Postgres
// only if up started them). Data stays in .data/.
import { stackEnv } from './lib/env.mjs';
import { down } from './lib/stack.mjs';

const { env } = stackEnv();
try {
  await down(env);
  console.log('callpool: down');
} catch (error) {
  console.error(`callpool: down failed: ${error.message}`);
  process.exit(1);
}
