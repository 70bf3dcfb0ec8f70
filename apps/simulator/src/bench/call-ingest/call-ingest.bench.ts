import { LoadResult } from '../measure/load';

export interface CallIngestBenchResult {
  levels: Array<{ concurrency: number; bare: LoadResult; bareSigned?: LoadResult; callIngest: LoadResult }>;
}
