// Consumer-group benchmarks: `consume -g -e` throughput against plain `consume -e` on a
// 6-partition topic of 1,000,000 x 100 B (committing must stay off the per-record path), and the
// time from a member's clean leave until every partition is owned again (median of runs).
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Admin } from '../../src/client/admin.js';
import { Connection } from '../../src/client/connection.js';
import { SPOOL_BIN, fmtRate, median, startBroker, timeSpool, type BenchBroker, type Row } from './bench-kit.js';
import { writeLines } from './throughput.js';

const RUNS = 3;
const REBALANCE_RUNS = 5;

export async function benchGroups(scratch: string): Promise<Row[]> {
  const broker = startBroker();
  try {
    const file = join(scratch, 'group-lines.txt');
    const count = 1_000_000;
    writeLines(file, count, 100);
    spawnSync(process.execPath, [SPOOL_BIN, 'topic', 'create', 'g6', '-p', '6'], { env: broker.env });
    const fd = openSync(file, 'r');
    try {
      await timeSpool(['produce', 'g6', '--quiet'], broker.env, [fd, 'ignore', 'pipe']);
    } finally {
      closeSync(fd);
    }
    const plain: number[] = [];
    const grouped: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      plain.push(await timeToDevNull(['consume', 'g6', '-e'], broker));
      grouped.push(await timeToDevNull(['consume', 'g6', '-e', '-g', `bench-${run}`], broker));
    }
    const p = median(plain);
    const g = median(grouped);
    const rebalance = await rebalanceTimes(broker);
    return [
      { name: 'consume -e, 6 partitions, 1M x 100 B', figure: `${fmtRate((count / p) * 1000)} msgs/s`, target: '(baseline)' },
      {
        name: 'consume -g -e, one member',
        figure: `${fmtRate((count / g) * 1000)} msgs/s`,
        target: '>= 80% of plain',
        note: `${((p / g) * 100).toFixed(0)}% of plain`,
      },
      {
        name: 'rebalance after a clean leave',
        figure: `${median(rebalance).toFixed(0)} ms median`,
        target: '< 500 ms',
        note: `runs: ${rebalance.map((ms) => ms.toFixed(0)).join(', ')} ms`,
      },
    ];
  } finally {
    broker.stop();
  }
}

async function timeToDevNull(args: string[], broker: BenchBroker): Promise<number> {
  const devNull = openSync('/dev/null', 'w');
  try {
    return await timeSpool(args, broker.env, ['ignore', devNull, 'pipe']);
  } finally {
    closeSync(devNull);
  }
}

/** Three members on 6 partitions; one leaves cleanly (SIGTERM); until the other two own all 6. */
export async function rebalanceTimes(broker: BenchBroker, topic = 'g6', runs = REBALANCE_RUNS): Promise<number[]> {
  const connection = await Connection.connect(join(broker.dataDir, 'spool.sock'));
  const admin = new Admin(connection);
  const times: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const group = `rebalance-${run}`;
      const members = [0, 1, 2].map(() => spawnMember(broker, group, topic));
      try {
        await until(admin, group, (d) => d.state === 'stable' && d.members.length === 3);
        const leaving = members.shift()!;
        const started = performance.now();
        leaving.kill('SIGTERM');
        await until(admin, group, (d) => d.state === 'stable' && d.members.length === 2 && d.members.reduce((n, m) => n + m.assignment.length, 0) === 6);
        times.push(performance.now() - started);
      } finally {
        for (const m of members) m.kill('SIGKILL');
      }
    }
  } finally {
    connection.close();
  }
  return times;
}

function spawnMember(broker: BenchBroker, group: string, topic: string): ChildProcess {
  return spawn(process.execPath, [SPOOL_BIN, 'consume', topic, '-g', group, '-o', 'end'], { env: broker.env, stdio: ['ignore', 'ignore', 'ignore'] });
}

export async function until(admin: Admin, group: string, done: (d: Awaited<ReturnType<Admin['describeGroup']>>) => boolean): Promise<void> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    try {
      if (done(await admin.describeGroup(group))) return;
    } catch {
      // The group does not exist until its first member joins.
    }
    if (performance.now() > deadline) throw new Error(`group ${group} did not settle`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
