// `npm run bench`: start-up, throughput (with CPU per million messages and the broker's peak RSS),
// consumer groups and end-to-end latency, printed as tables of measured figures beside their
// targets; a few minutes. `npm run bench -- --peers` also runs Redis Streams on the same files
// and prints spool's ratio to it; `-- --all` adds the long suites (the terminal view for a
// minute, compaction and retention over 1 GB logs, seeks in a log of 100,000,000 records);
// `-- --codecs` adds the codec throughput table (test/bench/codecs.ts, ~30 s). `-- --only NAME`
// runs one table of the default run: startup, throughput, groups, kafka-listener, kafka-groups,
// remote, latency.
import { rmSync } from 'node:fs';
import { printTable, scratchDir, settleDisk } from './bench-kit.js';
import { benchCodecs } from './codecs.js';
import { benchCleanerImpact, benchCompaction } from './compaction.js';
import { benchGroups } from './groups.js';
import { benchKafkaListener } from './kafka-listener.js';
import { benchKafkaGroups } from './kafka-groups.js';
import { benchLatency } from './latency.js';
import { benchRemoteMode } from './remote-mode.js';
import { benchSeek } from './seek.js';
import { benchStartup } from './startup.js';
import { benchTailTty } from './tail-tty.js';
import { benchThroughput } from './throughput.js';

const TABLES = ['startup', 'throughput', 'groups', 'kafka-listener', 'kafka-groups', 'remote', 'latency'] as const;
const argv = process.argv.slice(2);
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? argv.splice(onlyAt, 2)[1] : undefined;
if (onlyAt >= 0 && !TABLES.includes(only as (typeof TABLES)[number])) {
  console.error(`bench: --only takes one of ${TABLES.join(', ')}`);
  process.exit(2);
}
const args = new Set(argv);
for (const arg of args) {
  if (arg !== '--peers' && arg !== '--all' && arg !== '--codecs') {
    console.error(`bench: unknown option ${arg} (use --peers, --all, --codecs, --only NAME)`);
    process.exit(2);
  }
}
const runs = (table: (typeof TABLES)[number]): boolean => only === undefined || only === table;

const scratch = scratchDir();
try {
  if (runs('startup')) printTable('Start-up (median wall time against node -e 0 on this machine)', await benchStartup());
  if (runs('throughput')) printTable(`Throughput (whole commands, median of 5)${args.has('--peers') ? ', and Redis Streams' : ''}`, await benchThroughput(scratch, { peers: args.has('--peers') }));
  if (runs('groups')) printTable('Consumer groups', await benchGroups(scratch));
  if (runs('kafka-listener')) printTable('Kafka listener: kcat through Kafka\'s protocol beside the socket and librdkafka\'s mock cluster (1,000,000 × 100 B, median of 5)', await benchKafkaListener(scratch));
  if (runs('kafka-groups')) printTable('Kafka consumer groups (through --kafka)', await benchKafkaGroups(scratch));
  if (runs('remote')) printTable('Remote mode: spool --broker kafka://… against the Kafka listener beside the socket (1,000,000 × 100 B, median of 3)', await benchRemoteMode(scratch));
  if (runs('latency')) {
    settleDisk();
    printTable('End-to-end latency: produce --linger-ms 0 at 10,000 records/s into a following tail', await benchLatency());
  }
  if (args.has('--all')) {
    settleDisk();
    printTable('spool tail on a terminal at 20,000 records/s for 60 s', await benchTailTty());
    printTable('Compaction', await benchCompaction(scratch));
    printTable('Retention and compaction must not stall producers', await benchCleanerImpact(scratch));
    printTable('Seek stays flat as the log grows', await benchSeek());
  }
  if (args.has('--codecs')) printTable('Codecs: MiB of records per CPU second (median of 7 rounds)', benchCodecs());
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
