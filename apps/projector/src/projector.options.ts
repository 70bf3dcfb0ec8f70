import { PoolClient } from 'pg';
import { ProjectorConfig } from './config';
import { Chunk } from './projection/apply-batch';

export const PROJECTOR_OPTIONS = Symbol('PROJECTOR_OPTIONS');

export interface ProjectorOptions {
  config: ProjectorConfig;
  /** Tests only: runs inside each batch's transaction just before COMMIT (fault injection). */
  beforeCommit?: (chunk: Chunk, client: PoolClient) => Promise<void>;
}
