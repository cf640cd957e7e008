// The broker in this process: `spool broker start --foreground`, and the background broker's
// process (cli/broker-daemon.ts), which tells its launcher, on the pipe SPOOL_LAUNCHER_FD names
// (client/broker-launcher.ts), when it accepts connections or that another broker holds the data
// directory.
import { closeSync, writeSync } from 'node:fs';
import type { BrokerConfig } from '../../broker/broker-config.js';
import type { LauncherMessage } from '../../client/broker-launcher.js';
import { createLogger } from '../../common/logger.js';
import type { CliIo } from '../../term/io.js';

export async function runForeground(config: BrokerConfig, io: CliIo): Promise<void> {
  const { runBroker, BrokerAlreadyRunningError } = await import('../../broker/daemon.js');
  const launcherFd = launcherPipe(io.env);
  const tell = (message: LauncherMessage) => {
    if (launcherFd === null) return;
    try {
      writeSync(launcherFd, `${JSON.stringify(message)}\n`);
      closeSync(launcherFd);
    } catch {
      // The launcher is gone (killed while it waited): the broker runs on regardless.
    }
  };
  try {
    await runBroker(config, {
      logger: createLogger(io.stderr, io.env.SPOOL_DEBUG === '1' ? 'debug' : 'info'),
      onReady: (kafka, metrics) => tell({ kind: 'ready', pid: process.pid, kafka, metrics }),
    });
  } catch (err) {
    if (err instanceof BrokerAlreadyRunningError) {
      const { pid, socket } = err.owner;
      tell({ kind: 'already-running', pid, socket });
      io.stdout.write(`broker already running (pid ${pid}, ${socket === null ? `data dir ${config.dataDir}` : `socket ${socket}`})\n`);
      return;
    }
    throw err;
  }
}

/** The descriptor of the launcher's pipe; null in a terminal's `broker start --foreground`. */
function launcherPipe(env: NodeJS.ProcessEnv): number | null {
  const fd = Number(env.SPOOL_LAUNCHER_FD);
  return env.SPOOL_LAUNCHER_FD !== undefined && Number.isInteger(fd) && fd > 2 ? fd : null;
}
