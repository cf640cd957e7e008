// A real broker for e2e tests: started with `spool broker start --data-dir D` (it daemonizes and
// prints `broker running (pid N, socket PATH)`), stopped with `spool broker stop` and, if that
// fails, SIGKILL by its pid. The broker is not our child (it is detached), so its end is awaited
// by polling its pid until the process is gone (a killed one is a zombie until it is reaped).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSpool } from './spool-cli.js';

export interface BrokerHandle {
  pid: number;
  socket: string;
  dataDir: string;
  /** The Kafka listener's address (HOST:PORT) when started with --kafka. */
  kafka: string | null;
  /** The metrics endpoint's URL when started with --metrics. */
  metrics: string | null;
}

const BROKER_RUNNING = /^broker running \(pid (\d+), socket (.+)\)$/m;
const KAFKA_LISTENER = /^kafka listener on (\S+)$/m;
const METRICS_ENDPOINT = /^metrics on (\S+)$/m;
const EXIT_WAIT_MS = 30_000;

export function parseBrokerRunning(stdout: string): { pid: number; socket: string } | null {
  const match = BROKER_RUNNING.exec(stdout);
  return match === null ? null : { pid: Number(match[1]), socket: match[2]! };
}

export async function startBroker(dataDir: string, extraArgs: readonly string[] = []): Promise<BrokerHandle> {
  const result = await runSpool(['broker', 'start', '--data-dir', dataDir, ...extraArgs]);
  const running = parseBrokerRunning(result.stdout.toString('utf8'));
  if (result.code !== 0 || running === null) {
    throw new Error(`spool broker start failed (exit ${result.code}): ${result.stdout.toString()}${result.stderr}`);
  }
  const stdout = result.stdout.toString('utf8');
  return { ...running, dataDir, kafka: KAFKA_LISTENER.exec(stdout)?.[1] ?? null, metrics: METRICS_ENDPOINT.exec(stdout)?.[1] ?? null };
}

/** `spool broker stop`; then, whatever it said, make sure the pid is gone (SIGKILL if needed). */
export async function stopBroker(broker: { pid: number; dataDir: string }): Promise<void> {
  try {
    await runSpool(['broker', 'stop', '--data-dir', broker.dataDir], { timeoutMs: EXIT_WAIT_MS });
  } catch {
    // Timed out: fall through to the kill.
  }
  await killPid(broker.pid);
}

/** SIGKILL `pid` if it runs, and wait until the process is gone (reaped), not only dead. */
export async function killPid(pid: number): Promise<void> {
  if (!processExists(pid)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Exited meanwhile.
  }
  await waitForProcessGone(pid);
}

export async function waitForProcessGone(pid: number, timeoutMs = EXIT_WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (processExists(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} still exists after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** True while the pid exists, zombies included. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while the pid runs (a zombie does not). */
export function processRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return processExists(pid);
  }
}

/** The pid in the data dir's lock file, if any (a broker we did not start ourselves: autostart). */
export function lockFilePid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dataDir, 'broker.lock'), 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
