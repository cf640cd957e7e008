// A command's target (client/target/target.ts): the local broker's socket, reached as every
// client command reaches it (autostart included), or a Kafka cluster, whose client code loads
// only then. Lost connections are said on stderr unless the command says otherwise.
import { SocketTarget } from '../client/target/socket-target.js';
import type { Target } from '../client/target/target.js';
import { BrokerUnavailableError } from '../common/errors.js';
import { connectToBroker } from './broker-client.js';
import { resolveBrokerAddress } from '../client/broker-address.js';
import type { GlobalOptions } from './global-options.js';
import type { CliIo } from '../term/io.js';

export async function openTarget(globals: GlobalOptions, io: CliIo): Promise<Target> {
  const address = await resolveBrokerAddress(globals, io.env);
  let target: Target;
  if (address.kind === 'unix') {
    const local = { ...globals, socketPath: address.socketPath };
    target = new SocketTarget(address.socketPath, await connectToBroker(local, io));
  } else {
    const { KafkaTarget } = await import('../client/target/kafka/kafka-target.js');
    target = await KafkaTarget.connect(address.address, address.properties);
  }
  target.onEvent = (event) =>
    io.stderr.write(
      event.kind === 'lost'
        ? `spool: lost the broker (${event.reason}); waiting for it to come back (Ctrl-C stops)\n`
        : 'spool: the broker is back; going on\n',
    );
  return target;
}

/** The connection to the broker ended (as opposed to the broker refusing a request). */
export function isConnectionLost(err: unknown): err is BrokerUnavailableError {
  return err instanceof BrokerUnavailableError;
}
