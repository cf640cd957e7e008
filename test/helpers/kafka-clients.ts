// Real, independent Kafka clients against spool's Kafka listener: kcat and
// python3-confluent-kafka (both librdkafka, from Debian; Python from /usr/bin/python3, where
// Debian installs the binding), run as child processes tracked by pid like every spool command.
// kafkajs and @platformatic/kafka run in the test process itself.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, SpoolProcess, type RunOptions, type SpoolResult } from './spool-cli.js';
import { SpoolSandbox } from './spool-sandbox.js';

export const PYTHON = '/usr/bin/python3';
export const KAFKA_CLIENT_SCRIPTS = join(PROJECT_ROOT, 'test', 'fixtures', 'kafka-clients');

/** A sandbox whose broker also listens for Kafka clients on a free loopback port. */
export async function kafkaSandbox(extraArgs: readonly string[] = []): Promise<{ sandbox: SpoolSandbox; bootstrap: string }> {
  const sandbox = await SpoolSandbox.create();
  const broker = await sandbox.startBroker(['--kafka', '127.0.0.1:0', ...extraArgs]);
  if (broker.kafka === null) {
    await sandbox.cleanup();
    throw new Error('the broker did not report a Kafka listener');
  }
  return { sandbox, bootstrap: broker.kafka };
}

export function haveKcat(): boolean {
  return existsSync('/usr/bin/kcat');
}

/** librdkafka's shared library, which the mock cluster (../shared/tools) loads with ctypes. */
export function haveLibrdkafka(): boolean {
  return ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib', '/usr/local/lib'].some((dir) => existsSync(`${dir}/librdkafka.so.1`));
}

export function havePythonKafka(): boolean {
  return existsSync(PYTHON) && existsSync('/usr/lib/python3/dist-packages/confluent_kafka');
}

async function run(command: string, args: readonly string[], options: RunOptions): Promise<SpoolResult> {
  const proc = new SpoolProcess(command, args, options.env === undefined ? {} : { env: options.env });
  if (options.input !== undefined) void proc.write(options.input).catch(() => undefined);
  proc.end();
  return proc.finish(options.timeoutMs ?? 60_000);
}

/** `kcat -b BOOTSTRAP ARGS`, to its end. */
export function runKcat(bootstrap: string, args: readonly string[], options: RunOptions = {}): Promise<SpoolResult> {
  return run('kcat', ['-b', bootstrap, ...args], options);
}

/** A script of test/fixtures/kafka-clients/ under Debian's Python, with the bootstrap as $1. */
export function runPython(script: string, bootstrap: string, args: readonly string[] = [], options: RunOptions = {}): Promise<SpoolResult> {
  return run(PYTHON, [join(KAFKA_CLIENT_SCRIPTS, script), bootstrap, ...args], options);
}

export function spawnPython(script: string, bootstrap: string, args: readonly string[] = []): SpoolProcess {
  return new SpoolProcess(PYTHON, [join(KAFKA_CLIENT_SCRIPTS, script), bootstrap, ...args]);
}
