// spool broker stop (SPEC §3 broker): ask the broker to shut down (or signal one still starting)
// and wait until its process is gone. Loaded only when `broker stop` runs.
import type { Command } from 'commander';
import { SpoolError } from '../../common/errors.js';
import { isProcessAlive, processExists, readLockPid } from '../../broker/lock-file.js';
import { globalOptions } from '../global-options.js';
import type { CliIo } from '../../term/io.js';
import { withSpinner } from '../spinner.js';
import { localOnly } from './broker-local-only.js';

const STOP_TIMEOUT_MS = 60_000;
const REAP_WAIT_MS = 5_000;

export async function brokerStop(command: Command, io: CliIo): Promise<void> {
  const globals = globalOptions(command, io);
  await localOnly(globals, 'broker stop', io);
  const [{ Admin }, { tryConnect }] = await Promise.all([import('../../client/admin.js'), import('../broker-client.js')]);
  const connection = await tryConnect(globals.socketPath);
  let pid: number | null;
  if (connection !== null) {
    pid = (await new Admin(connection).shutdown().finally(() => connection.close())).pid;
  } else {
    // No socket, but a live lock owner: a broker still starting (or whose socket was removed).
    pid = readLockPid(globals.dataDir);
    if (pid === null || !isProcessAlive(pid)) {
      io.stdout.write(`broker not running (socket ${globals.socketPath})\n`);
      return;
    }
    process.kill(pid, 'SIGTERM');
  }
  const stopping = pid;
  await withSpinner(io, `stopping the broker (pid ${stopping}): flush, fsync, close`, { quiet: globals.quiet, delayMs: 100 }, async () => {
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (isProcessAlive(stopping)) {
      if (Date.now() > deadline) throw new SpoolError(`the broker (pid ${stopping}) did not stop within ${STOP_TIMEOUT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // It has exited; give whoever reaps it a moment, so its pid is gone when we say stopped.
    const reapDeadline = Date.now() + REAP_WAIT_MS;
    while (processExists(stopping) && Date.now() < reapDeadline) await new Promise((resolve) => setTimeout(resolve, 25));
  });
  io.stdout.write(`broker stopped (pid ${pid})\n`);
}

