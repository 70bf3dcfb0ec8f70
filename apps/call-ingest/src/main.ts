import { Logger } from 'nestjs-pino';
import { exitOnStartupError } from '@callpool/service-kit';
import { startCallIngest } from './call-ingest';
import { loadCallIngestConfig } from './config';

async function main(): Promise<void> {
  const config = loadCallIngestConfig(process.env);
  const running = await startCallIngest(config);
  running.app
    .get(Logger)
    .log(`call-ingest listening on :${config.CALL_INGEST_PORT}; Twilio webhooks signed for ${config.PUBLIC_BASE_URL}`);
}

main().catch(exitOnStartupError('call-ingest'));
