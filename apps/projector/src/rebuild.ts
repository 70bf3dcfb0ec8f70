import { loadProjectorConfig } from './config';
import { rebuildProjection } from './rebuild/rebuild-projection';

/**
 * `npm run projector:rebuild`: node dist/apps/projector/src/rebuild.js, with
 * the projector's environment. Safe while the projector runs.
 */
async function main(): Promise<void> {
  const config = loadProjectorConfig();
  const say = (message: string) => process.stdout.write(`projector:rebuild: ${message}\n`);
  say(`replaying ${config.CALLPOOL_TOPIC_PREFIX || '(no prefix) '}callpool.* into ${config.PROJECTOR_SCHEMA}_rebuild`);
  const result = await rebuildProjection(config, { info: say, warn: say });
  say(
    `swapped in as ${config.PROJECTOR_SCHEMA}: ${result.events} events in ${result.seconds.toFixed(1)} s` +
      ` (${Math.round(result.events / Math.max(result.seconds, 0.001))} events/s)`,
  );
  if (result.retiredSchema && !result.retiredDropped)
    say(
      `old schema ${result.retiredSchema} still in use by a reader; drop it later: DROP SCHEMA ${result.retiredSchema} CASCADE`,
    );
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`projector:rebuild: failed: ${error.message}\n`);
    process.exit(1);
  },
);
