// Seek stays flat as the log grows: the time of `spool consume t --from N -c 1` (and of
// `--from @TIME`) at offset 50,000,000 of a 100,000,000-record topic against offset 500,000 of a
// 1,000,000-record topic. The logs are written straight through the storage engine (10,000
// records per batch, increasing timestamps), then served by a real broker.
import { encodeRecordBatch } from '../../src/records/encode-batch.js';
import { BASE_TIMESTAMP_OFFSET, MAX_TIMESTAMP_OFFSET, sealBatch } from '../../src/records/record-batch.js';
import { writeInt64 } from '../../src/records/int64.js';
import { LogManager } from '../../src/storage/log-manager.js';
import { median, startBroker, timeSpool, type Row } from './bench-kit.js';

const RECORDS_PER_BATCH = 10_000;
const RUNS = 5;
const T0 = 1_700_000_000_000;

/** Timestamp of offset `o`: one millisecond per record. */
const timestampOf = (offset: number) => T0 + offset;

function buildTopic(dataDir: string, topic: string, records: number): void {
  const template = encodeRecordBatch(
    Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`.padEnd(8, '.')), headers: [], timestamp: T0 + i })),
  );
  const { logs } = LogManager.open({ dataDir });
  try {
    logs.createTopic(topic, 1, { 'segment.bytes': String(1 << 30) });
    const log = logs.partition(topic, 0);
    for (let base = 0; base < records; base += RECORDS_PER_BATCH) {
      writeInt64(template, BASE_TIMESTAMP_OFFSET, timestampOf(base));
      writeInt64(template, MAX_TIMESTAMP_OFFSET, timestampOf(base + RECORDS_PER_BATCH - 1));
      sealBatch(template, 0, template.length);
      log.append(template);
    }
  } finally {
    logs.close();
  }
}

async function seekMs(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) times.push(await timeSpool(args, env, ['ignore', 'ignore', 'pipe']));
  return median(times);
}

export async function benchSeek(): Promise<Row[]> {
  const bigRecords = Number(process.env.SPOOL_BENCH_SEEK_RECORDS ?? 100_000_000);
  const broker = startBroker();
  const rows: Row[] = [];
  try {
    // The broker must not hold the logs while they are written: build, then restart it.
    broker.stopOnly();
    buildTopic(broker.dataDir, 'small', 1_000_000);
    buildTopic(broker.dataDir, 'big', bigRecords);
    broker.restart();
    const cases: Array<[string, string, string]> = [
      ['--from N', '500000', String(bigRecords / 2)],
      ['--from @TIME', `@${timestampOf(500_000)}`, `@${timestampOf(bigRecords / 2)}`],
    ];
    for (const [label, small, big] of cases) {
      const smallMs = await seekMs(['consume', 'small', '--from', small, '-c', '1'], broker.env);
      const bigMs = await seekMs(['consume', 'big', '--from', big, '-c', '1'], broker.env);
      rows.push({
        name: `consume ${label} -c 1`,
        figure: `${bigMs.toFixed(0)} ms at ${(bigRecords / 2).toLocaleString('en-US')} of ${bigRecords.toLocaleString('en-US')}`,
        target: 'within 20% of small',
        note: `${smallMs.toFixed(0)} ms at 500,000 of 1,000,000 (${((bigMs / smallMs - 1) * 100).toFixed(0)}%), median of ${RUNS} whole commands`,
      });
    }
  } finally {
    broker.stop();
  }
  return rows;
}
