import { ChildProcess, fork } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface HostedProcess {
  name: string;
  url: string;
  pid: number;
  logFile: string;
  /** Profiles what `work` makes the service do; the .cpuprofile goes to `file`. */
  profiled<T>(file: string, work: () => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

export interface HostOptions {
  env: Record<string, string>;
  /** Where logs (and CPU profiles) go. */
  outDir: string;
  startTimeoutMs?: number;
  /** Which service host.js starts, when `name` (the log's name) differs. */
  hostOf?: string;
}

const HOST = resolve(__dirname, 'host.js');

/** Starts a service in its own process via measure/host.js and waits until it answers. */
export function startHosted(name: string, options: HostOptions): Promise<HostedProcess> {
  mkdirSync(options.outDir, { recursive: true });
  const logFile = join(options.outDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = fork(HOST, [options.hostOf ?? name], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`${name} did not start within ${options.startTimeoutMs ?? 120000} ms (log: ${logFile})`)),
      options.startTimeoutMs ?? 120000,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.once('exit', (code) => fail(new Error(`${name} exited with ${code} before it was ready (log: ${logFile})`)));
    child.once('message', (message: { ready?: string }) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolveStart({
        name,
        url: message.ready ?? '',
        pid: child.pid ?? 0,
        logFile,
        stop: () => stopChild(child),
        profiled: (file, work) => profiled(child, file, work),
      });
    });
  });
}

function stopChild(child: ChildProcess, timeoutMs = 20000): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.send('stop');
  });
}

function ask(child: ChildProcess, message: unknown, answer: string): Promise<void> {
  return new Promise((done) => {
    const onMessage = (reply: Record<string, unknown>) => {
      if (!reply || !(answer in reply)) return;
      child.off('message', onMessage);
      done();
    };
    child.on('message', onMessage);
    child.send(message as never);
  });
}

async function profiled<T>(child: ChildProcess, file: string, work: () => Promise<T>): Promise<T> {
  await ask(child, 'profile-start', 'profiling');
  try {
    return await work();
  } finally {
    await ask(child, { profileStop: file }, 'profiled');
  }
}
