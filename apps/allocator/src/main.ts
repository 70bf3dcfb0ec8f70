import { Logger } from 'nestjs-pino';
import { exitOnStartupError } from '@callpool/service-kit';
import { startAllocator } from './allocator';
import { loadAllocatorConfig } from './config';

async function main(): Promise<void> {
  const config = loadAllocatorConfig(process.env);
  const running = await startAllocator(config);
  const log = running.app.get(Logger);
  log.log(`allocator shard ${config.ALLOCATOR_SHARD} listening on :${config.ALLOCATOR_PORT}; rebuilding from the log`);
  running.ready().catch((error: Error) => {
    log.error(`allocator could not go live: ${error.message}`);
    process.exit(1);
  });
}

main().catch(exitOnStartupError('allocator'));
