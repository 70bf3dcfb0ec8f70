/** What every benchmark gets from the command line. */
export interface BenchContext {
  log(line: string): void;
  /** Logs of the services under test and, with --profile, their CPU profiles. */
  outDir: string;
  profile: boolean;
  seed: number;
  kafkaBrokers: string;
}
