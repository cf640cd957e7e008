// The produce loop: read input, cut it into messages, frame each into the producer, keep to the
// producer's in-flight window, and end with every message acknowledged or one error line that
// names the bad line and how many messages were stored before it. The producer is idempotent:
// when the broker goes away it waits for it to come back (--reconnect-timeout-ms) and sends the
// unacknowledged batches again, which the broker never stores twice.
import { tierUpSooner } from '../../common/v8-tiering.js';
import { ProduceFailure } from '../../client/producer.js';
import type { RecordProducer, Target } from '../../client/target/target.js';
import { ByteArena } from '../../common/byte-arena.js';
import { HUGE_PAGE_BYTES } from '../../common/large-memory.js';
import { SpoolError, errorMessage } from '../../common/errors.js';
import type { TopicMetadata } from '../../protocol/messages/metadata.js';
import type { Compression } from '../../records/record-batch.js';
import type { RecordHeader } from '../../records/record.js';
import { openTarget } from '../open-target.js';
import { formatCount, formatDuration } from '../../term/human.js';
import type { GlobalOptions } from '../global-options.js';
import type { CliIo } from '../../term/io.js';
import { inputFileBytes, openInput, stdinIsTerminal } from '../input/input-stream.js';
import { MessageSplitter } from '../input/message-splitter.js';
import { OffsetPrinter } from '../input/offset-printer.js';
import { progressSpinner, type Progress } from '../spinner.js';
import { BadLine } from './bad-line.js';
import { MessageSender } from './message-sender.js';
import { monotonicMs } from '../../common/monotonic-ms.js';

export interface ProduceSettings {
  topic: string;
  file: string | undefined;
  keySeparator: Buffer | null;
  key: Buffer | null;
  headers: RecordHeader[];
  encodedHeaders: Buffer;
  partition: number | null;
  delimiter: Buffer;
  nullEmpty: boolean;
  durable: boolean;
  printOffsets: boolean;
  json: boolean;
  lingerMs: number;
  reconnectTimeoutMs: number;
  compression: Compression;
  quiet: boolean;
}

const MAX_BATCH_BYTES = 1 << 20;
const MAX_IN_FLIGHT = 4;
/**
 * Arena slots: two for the input, one per batch in flight and one for the batch being filled. More
 * partitions than that fill batches of memory of their own (their values are then copied the
 * ordinary way).
 */
const ARENA_SLOTS = 2 + MAX_IN_FLIGHT + 1;

export async function runProduce(globals: GlobalOptions, settings: ProduceSettings, io: CliIo): Promise<void> {
  tierUpSooner();
  const started = monotonicMs();
  const target = await openTarget(globals, io);
  try {
    const metadata = await target.admin.metadata({ topics: [settings.topic], autoCreate: true });
    const topic = metadata.topics.find((t) => t.name === settings.topic);
    if (topic === undefined) throw new SpoolError(`topic "${settings.topic}" could not be created`);
    if (settings.partition !== null && settings.partition >= topic.partitions) {
      throw new SpoolError(`topic "${topic.name}" has ${topic.partitions} partition(s); --partition ${settings.partition} does not exist`);
    }
    const count = await produceAll(target, topic, settings, io, globals.quiet);
    if (!settings.quiet && !globals.quiet) {
      // A cluster says what its acks promise instead of an fsync policy.
      const durability = metadata.fsync === 'replicated'
        ? 'written to all in-sync replicas'
        : metadata.fsync === 'leader'
        ? 'written to the partition leaders (acks=1)'
        : metadata.fsync === 'unacknowledged'
        ? 'sent; not acknowledged (acks=0)'
        : settings.durable || metadata.fsync === 'always'
        ? 'fsynced'
        : metadata.fsync === 'interval'
          ? `written; fsync within ${metadata.fsyncIntervalMs} ms`
          : 'written; not fsynced (broker runs with --fsync never)';
      const plural = count === 1 ? '' : 's';
      io.stderr.write(`produced ${formatCount(count)} message${plural} to ${topic.name} in ${formatDuration(monotonicMs() - started)} (${durability})\n`);
    }
  } finally {
    await target.close();
  }
}

/** What a lost broker and its return look like to a produce run. */
function reconnectNotices(target: Target, timeoutMs: number, io: CliIo): void {
  const seconds = `${timeoutMs / 1000} s`;
  target.onEvent = (event) =>
    io.stderr.write(
      event.kind === 'lost'
        ? `spool: lost the broker (${event.reason}); waiting up to ${seconds} for it to come back\n`
        : 'spool: the broker is back; sending again what it had not acknowledged\n',
    );
}

async function produceAll(target: Target, topic: TopicMetadata, settings: ProduceSettings, io: CliIo, quiet: boolean): Promise<number> {
  const printer = settings.printOffsets ? new OffsetPrinter((text) => io.stdout.write(text)) : null;
  reconnectNotices(target, settings.reconnectTimeoutMs, io);
  const batchBytes = Math.min(MAX_BATCH_BYTES, topic.maxMessageBytes);
  // Huge pages for a long file (common/large-memory.ts): a first write of the arena's 7 MiB costs
  // 1,800 page faults in 4 KiB pages. Not for a pipe, whose length is unknown: a one-line produce
  // would load the addon and fault in whole 2 MiB pages for a few bytes.
  const inputBytes = inputFileBytes(io, settings.file);
  const memory = new ByteArena(MAX_BATCH_BYTES, ARENA_SLOTS, { hugePages: inputBytes !== null && inputBytes >= HUGE_PAGE_BYTES });
  const producer = await target.producer({
    topic: topic.name,
    partitions: topic.partitions,
    lingerMs: settings.lingerMs,
    batchBytes,
    maxInFlight: MAX_IN_FLIGHT,
    memory,
    durable: settings.durable,
    compression: settings.compression,
    ...(printer === null ? {} : { onAck: (p: number, base: number, n: number) => printer.acked(p, base, n) }),
    reconnectTimeoutMs: settings.reconnectTimeoutMs,
  });
  const sender = new MessageSender(producer, topic, settings, printer, (message) => io.stderr.write(`spool: ${message}\n`));
  const input = openInput(io, settings.file, memory);
  const splitter = new MessageSplitter(settings.delimiter);
  let badLine: BadLine | null = null;
  const progress = produceProgress(io, settings, producer, quiet);
  try {
    reading: for await (const chunk of input) {
      splitter.feed(chunk as Buffer);
      const timestamp = Date.now();
      if (sender.framesRuns) {
        while (splitter.nextRun()) {
          const { buf, end } = splitter;
          for (let pos = splitter.start; pos < end; ) {
            // A line that spanned two input chunks lies in a join of the splitter's, outside the
            // input's memory: it goes as one record, so that framed runs are only ever copied
            // within that memory (one code path in the framing loop, records/batch-builder.ts).
            if (splitter.joined) {
              sender.send(buf, pos, end - 1, timestamp);
              pos = end;
            } else {
              pos = sender.sendRun(buf, pos, end, timestamp);
            }
            if (producer.backlogged) await producer.whenWritable();
            if (producer.failure !== null) break reading;
          }
        }
        continue;
      }
      while (splitter.next()) {
        sender.send(splitter.buf, splitter.start, splitter.end, timestamp);
        if (producer.backlogged) await producer.whenWritable();
        if (producer.failure !== null) break reading;
      }
    }
    if (producer.failure === null && splitter.finish()) sender.send(splitter.buf, splitter.start, splitter.end, Date.now());
  } catch (err) {
    if (!(err instanceof BadLine)) progress.stop();
    if (err instanceof BadLine) badLine = err;
    else if (err instanceof SpoolError) throw err;
    else throw new SpoolError(`cannot read ${settings.file ?? 'stdin'}: ${errorMessage(err)}`);
  } finally {
    await input.return();
  }
  try {
    await producer.flush();
  } catch (err) {
    if (!(err instanceof ProduceFailure)) throw err;
  } finally {
    progress.stop();
  }
  // With idempotence every record acknowledged is stored and nothing else is: the count is exact.
  const failure = producer.failure;
  if (failure !== null && (badLine === null || failure.firstRecord + 1 < badLine.line)) {
    throw new SpoolError(`line ${failure.firstRecord + 1}: ${failure.message} (${producer.acknowledged} acknowledged before it)`);
  }
  if (badLine !== null) throw new SpoolError(`line ${badLine.line}: ${badLine.message} (${producer.acknowledged} acknowledged before it)`);
  return producer.acknowledged;
}

/**
 * The spinner of a long run (after a second): messages acknowledged and the current rate, read
 * from the producer's counter by a timer. Not when the terminal is also the input (it would draw
 * over the lines being typed) or shows --print-offsets output.
 */
function produceProgress(io: CliIo, settings: ProduceSettings, producer: RecordProducer, quiet: boolean): Progress {
  const typing = settings.file === undefined && stdinIsTerminal(io);
  const offsetsOnTerminal = settings.printOffsets && io.stdout.isTTY === true;
  let lastCount = 0;
  let lastMs = monotonicMs();
  let rate = 0;
  return progressSpinner(io, { quiet: quiet || settings.quiet || typing || offsetsOnTerminal }, () => {
    const now = monotonicMs();
    const count = producer.acknowledged;
    if (now - lastMs >= 100) {
      const instant = ((count - lastCount) * 1000) / (now - lastMs);
      rate = rate === 0 ? instant : rate * 0.5 + instant * 0.5;
      lastCount = count;
      lastMs = now;
    }
    return `producing to ${settings.topic}: ${formatCount(count)} messages acknowledged (${formatCount(Math.round(rate))}/s)`;
  });
}
