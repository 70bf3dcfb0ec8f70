// Background processes of the local stack: one pid file and one log per
// process in CALLPOOL_RUN_DIR, so `down` stops exactly what `up` started.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import { ROOT } from './env.mjs';

export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function pidFile(runDir, name) {
  return join(runDir, `${name}.pid`);
}

/** The pid of our running process `name`, if its pid file names a live process running `script`. */
export function runningPid(runDir, name, script) {
  const file = pidFile(runDir, name);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8'));
  if (!pid || !alive(pid)) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (script && !cmdline.includes(script)) return undefined;
  } catch {
    return undefined;
  }
  return pid;
}

export function startDetached(runDir, name, script, env) {
  mkdirSync(runDir, { recursive: true });
  const log = openSync(join(runDir, `${name}.log`), 'a');
  const child = spawn(process.execPath, ['--enable-source-maps', script], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', log, log],
  });
  child.unref();
  writeFileSync(pidFile(runDir, name), String(child.pid));
  return child.pid;
}

export async function stopProcess(runDir, name, script, timeoutMs = 15000) {
  const pid = runningPid(runDir, name, script);
  rmSync(pidFile(runDir, name), { force: true });
  if (!pid) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  return true;
}

export function portOpen(hostPort, timeoutMs = 1000) {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Waits for `url` to answer 200. A service that is still writing to its log
 * (the projector rebuilding a projection from another log prints its progress
 * every few seconds) is working, not stuck: each new line moves the deadline on.
 */
export async function waitHealthy(url, { timeoutMs = 120000, pid, logFile } = {}) {
  let deadline = Date.now() + timeoutMs;
  let logSize = sizeOf(logFile);
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (sizeOf(logFile) > logSize) [logSize, deadline] = [sizeOf(logFile), Date.now() + timeoutMs];
    if (pid && !alive(pid)) throw new Error(`process ${pid} exited before ${url} answered${tail(logFile)}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = error.message;
    }
    await sleep(250);
  }
  throw new Error(`${url} not healthy after ${timeoutMs} ms: ${last}${tail(logFile)}`);
}

function sizeOf(logFile) {
  return logFile && existsSync(logFile) ? statSync(logFile).size : 0;
}

function tail(logFile) {
  if (!logFile || !existsSync(logFile)) return '';
  const lines = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-15);
  return `\n--- ${logFile} ---\n${lines.join('\n')}`;
}

/** Runs a shell script of ours in the foreground; throws with its output on failure. */
export function runScript(args, env) {
  const result = spawnSync('bash', args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`bash ${args.join(' ')} failed (exit ${result.status})`);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
