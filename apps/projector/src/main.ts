import { exitOnStartupError } from '@callpool/service-kit';
import { loadProjectorConfig } from './config';
import { startProjector } from './projector';

/** SIGTERM/SIGINT close the app (service kit's shutdown hooks): the batch in flight commits or rolls back whole. */
async function main(): Promise<void> {
  const config = loadProjectorConfig();
  const { url } = await startProjector({ config });
  process.stdout.write(`projector: projecting into schema ${config.PROJECTOR_SCHEMA}; ${url}/health\n`);
}

main().catch(exitOnStartupError('projector'));
