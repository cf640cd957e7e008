// `npm run bench`: every benchmark, printed as tables of measured figures beside their targets.
import { rmSync } from 'node:fs';
import { printTable, scratchDir } from './bench-kit.js';
import { benchGroups } from './groups.js';
import { benchThroughput } from './throughput.js';

const scratch = scratchDir();
try {
  printTable('Throughput (whole commands, median of 3)', await benchThroughput(scratch));
  printTable('Consumer groups', await benchGroups(scratch));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
