// `npm run bench`: every benchmark, printed as tables of measured figures beside their targets.
// `npm run bench -- --codecs` adds the codec throughput table (test/bench/codecs.ts, ~30 s).
import { rmSync } from 'node:fs';
import { printTable, scratchDir, settleDisk } from './bench-kit.js';
import { benchCodecs } from './codecs.js';
import { benchCleanerImpact, benchCompaction } from './compaction.js';
import { benchGroups } from './groups.js';
import { benchKafkaListener } from './kafka-listener.js';
import { benchKafkaGroups } from './kafka-groups.js';
import { benchLatency } from './latency.js';
import { benchSeek } from './seek.js';
import { benchTailTty } from './tail-tty.js';
import { benchThroughput } from './throughput.js';

const scratch = scratchDir();
try {
  printTable('Throughput (whole commands, median of 3)', await benchThroughput(scratch));
  printTable('Consumer groups', await benchGroups(scratch));
  printTable('Kafka listener: kcat through Kafka\'s protocol beside the socket and librdkafka\'s mock cluster (1,000,000 × 100 B, median of 5)', await benchKafkaListener(scratch));
  printTable('Kafka consumer groups (through --kafka)', await benchKafkaGroups(scratch));
  settleDisk();
  printTable('End-to-end latency: produce --linger-ms 0 at 10,000 records/s into a following tail', await benchLatency());
  settleDisk();
  printTable('spool tail on a terminal at 20,000 records/s for 60 s', await benchTailTty());
  printTable('Compaction', await benchCompaction(scratch));
  printTable('Retention and compaction must not stall producers', await benchCleanerImpact(scratch));
  printTable('Seek stays flat as the log grows', await benchSeek());
  if (process.argv.includes('--codecs')) printTable('Codecs: MiB of records per CPU second (median of 7 rounds)', benchCodecs());
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
