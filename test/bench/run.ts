// `npm run bench`: every benchmark, printed as tables of measured figures beside their targets.
import { rmSync } from 'node:fs';
import { printTable, scratchDir } from './bench-kit.js';
import { benchCleanerImpact, benchCompaction } from './compaction.js';
import { benchGroups } from './groups.js';
import { benchSeek } from './seek.js';
import { benchThroughput } from './throughput.js';

const scratch = scratchDir();
try {
  printTable('Throughput (whole commands, median of 3)', await benchThroughput(scratch));
  printTable('Consumer groups', await benchGroups(scratch));
  printTable('Compaction', await benchCompaction(scratch));
  printTable('Retention and compaction must not stall producers', await benchCleanerImpact(scratch));
  printTable('Seek stays flat as the log grows', await benchSeek());
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
