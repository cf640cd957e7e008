// The broker in this process: `spool broker start --foreground`, and the background broker's
// process (cli/broker-daemon.ts), which tells its launcher over IPC when it accepts connections or
// that another broker holds the data directory.
import type { BrokerConfig } from '../../broker/broker-config.js';
import type { LauncherMessage } from '../../client/broker-launcher.js';
import { createLogger } from '../../common/logger.js';
import type { CliIo } from '../../term/io.js';

export async function runForeground(config: BrokerConfig, io: CliIo): Promise<void> {
  const { runBroker, BrokerAlreadyRunningError } = await import('../../broker/daemon.js');
  const tell = (message: LauncherMessage) => {
    if (process.send === undefined) return;
    process.send(message);
    process.disconnect();
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
