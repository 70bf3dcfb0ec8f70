import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Integration suites share one broker and one Postgres server but never each
 * other's data: each takes its own topic prefix and its own database.
 */
export const TEST_KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

const serverUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/callpool');

export function uniqueName(label: string): string {
  return `${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** A topic prefix of its own, e.g. `t_allocator_restart_lx3k_a1b2c3.` */
export function uniqueTopicPrefix(label: string): string {
  return `t_${uniqueName(label)}.`;
}

export function databaseUrl(database: string): string {
  const url = new URL(serverUrl.toString());
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates a fresh database and returns its URL; drop it with dropDatabase in afterAll. */
export async function createTestDatabase(label: string): Promise<string> {
  const name = `t_${uniqueName(label)}`.slice(0, 63);
  const admin = new Client({ connectionString: databaseUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return databaseUrl(name);
}

export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new Client({ connectionString: databaseUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
