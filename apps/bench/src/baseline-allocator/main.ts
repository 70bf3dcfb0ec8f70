import { exitOnStartupError } from '@callpool/service-kit';
import { loadBaselineConfig, startBaselineAllocator } from './baseline-allocator';

/** `node dist/apps/bench/src/baseline-allocator/main.js` (DATABASE_URL, BASELINE_PORT, BASELINE_PG_POOL_SIZE). */
startBaselineAllocator(loadBaselineConfig())
  .then(({ url }) => process.stdout.write(`baseline-allocator listening on ${url}\n`))
  .catch(exitOnStartupError('baseline-allocator'));
