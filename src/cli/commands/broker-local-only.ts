// The daemon's own commands (`broker start`, `broker stop`) work on the local broker only.
import type { GlobalOptions } from '../global-options.js';
import type { CliIo } from '../../term/io.js';

/** The daemon's own commands refuse a Kafka cluster (a usage error). */
export async function localOnly(globals: GlobalOptions, command: string, io: CliIo): Promise<void> {
  if (globals.broker === null) return;
  const { requireLocal } = await import('../../client/broker-address.js');
  await requireLocal(globals, command, io.env);
}
