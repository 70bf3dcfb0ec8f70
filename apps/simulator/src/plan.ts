import { parseArgs } from 'node:util';
import { z } from 'zod';
import { capacityPlan, formatPlan } from './planner/capacity';
import { connect } from './report/projection';

const PlanEnv = z.object({
  DATABASE_URL: z.string().min(1).default('postgres://postgres@127.0.0.1:5432/callpool'),
  PROJECTOR_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case Postgres identifier')
    .default('callpool'),
  LISTINGS_PER_SESSION: z.coerce.number().positive().default(5),
});

/** npm run plan [-- --json] [--top N]: the capacity plan from the projected history in DATABASE_URL. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { json: { type: 'boolean' }, top: { type: 'string' } },
  });
  const parsed = PlanEnv.safeParse(process.env);
  if (!parsed.success) throw new Error(`${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
  const env = parsed.data;
  const db = await connect(env.DATABASE_URL, env.PROJECTOR_SCHEMA);
  try {
    const plan = await capacityPlan(db, {
      top: Number(values.top ?? 5),
      ruleListingsPerSession: env.LISTINGS_PER_SESSION,
    });
    process.stdout.write(`${values.json ? JSON.stringify(plan) : formatPlan(plan)}\n`);
  } finally {
    await db.end();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`plan: ${error.message}\n`);
  process.exit(1);
});
