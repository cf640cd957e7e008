// Start-up: whole commands against `node -e 0` on the same machine, interleaved so that load
// swings hit every command alike, median wall time of RUNS after WARM_UP rounds:
// `spool --version`, `spool --help`, `echo x | spool produce t` with a broker running, and
// `spool broker start` from the command until the broker accepts connections (the command
// returns only then), each on a fresh data dir.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SPOOL_BIN, median, startBroker, type Row } from './bench-kit.js';

const WARM_UP = 3;
const RUNS = 20;
const BROKER_STARTS = 7;

/** Wall ms of `node ARGS`, `input` written to its stdin. */
function timeNode(args: readonly string[], env: NodeJS.ProcessEnv, input: string | null = null): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: [input === null ? 'ignore' : 'pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr}`));
    });
    if (input !== null) child.stdin!.end(input);
  });
}

export async function benchStartup(): Promise<Row[]> {
  const broker = startBroker();
  try {
    spawnSync(process.execPath, [SPOOL_BIN, 'topic', 'create', 'one'], { env: broker.env });
    const cases: Array<{ name: string; args: string[]; input: string | null; target: string }> = [
      { name: 'node -e 0', args: ['-e', '0'], input: null, target: '-' },
      { name: 'spool --version', args: [SPOOL_BIN, '--version'], input: null, target: '<= 1.3x' },
      { name: 'spool --help', args: [SPOOL_BIN, '--help'], input: null, target: '<= 1.3x' },
      { name: 'echo x | spool produce t (broker running)', args: [SPOOL_BIN, 'produce', 'one', '--quiet'], input: 'x\n', target: '<= 1.5x' },
    ];
    const times = cases.map(() => [] as number[]);
    for (let round = 0; round < WARM_UP + RUNS; round++) {
      for (const [i, c] of cases.entries()) {
        const ms = await timeNode(c.args, broker.env, c.input);
        if (round >= WARM_UP) times[i]!.push(ms);
      }
    }
    const baseline = median(times[0]!);
    const rows: Row[] = cases.map((c, i) => {
      const ms = median(times[i]!);
      return i === 0
        ? { name: c.name, figure: `${ms.toFixed(0)} ms`, target: c.target, note: `median of ${RUNS}, interleaved with the commands below` }
        : { name: c.name, figure: `${(ms / baseline).toFixed(2)}x node -e 0`, target: c.target, note: `${ms.toFixed(0)} ms` };
    });
    rows.push(await brokerStart());
    return rows;
  } finally {
    broker.stop();
  }
}

async function brokerStart(): Promise<Row> {
  const times: number[] = [];
  for (let run = 0; run < BROKER_STARTS; run++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'spbs-'));
    const env = { ...process.env, SPOOL_HOME: dataDir, SPOOL_AUTOSTART: '0' };
    try {
      times.push(await timeNode([SPOOL_BIN, 'broker', 'start'], env));
    } finally {
      spawnSync(process.execPath, [SPOOL_BIN, 'broker', 'stop'], { env });
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return {
    name: 'spool broker start, until it accepts',
    figure: `${median(times).toFixed(0)} ms`,
    target: '<= 250 ms',
    note: `median of ${times.map((t) => t.toFixed(0)).join('/')} ms, each on a fresh data dir`,
  };
}
