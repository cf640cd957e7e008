// The Redis Streams peer's command-line client for `npm run bench -- --peers`, run as its own
// process like `spool produce` and `spool consume` so the two are timed the same way:
//   node redis-client.js produce SOCKET STREAM FILE   one XADD per line, pipelined PIPELINE at a time
//   node redis-client.js consume SOCKET STREAM        XRANGE from the start, each value and a newline to stdout
//   node redis-client.js delete SOCKET STREAM         DEL, once a run is checked
// ioredis is a well-kept client; entries are read as Buffers (xrangeBuffer), so bytes pass unchanged.
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';

/** Commands per pipeline (redis-benchmark's -P), and how many pipelines are out at once. */
const PIPELINE = 10_000;
const PIPELINES_IN_FLIGHT = 2;
const RANGE_COUNT = 10_000;
const NEWLINE = 0x0a;

async function produce(redis: Redis, stream: string, file: string): Promise<void> {
  const data = readFileSync(file);
  const inFlight: Array<Promise<unknown>> = [];
  let start = 0;
  while (start < data.length) {
    const pipeline = redis.pipeline();
    for (let n = 0; n < PIPELINE && start < data.length; n++) {
      let end = data.indexOf(NEWLINE, start);
      if (end < 0) end = data.length;
      pipeline.xadd(stream, '*', 'v', data.subarray(start, end));
      start = end + 1;
    }
    inFlight.push(pipeline.exec().then(failOnError));
    if (inFlight.length >= PIPELINES_IN_FLIGHT) await inFlight.shift();
  }
  await Promise.all(inFlight);
}

function failOnError(results: Array<[Error | null, unknown]> | null): void {
  const failed = results?.find(([err]) => err !== null);
  if (failed !== undefined) throw failed[0];
}

async function consume(redis: Redis, stream: string): Promise<void> {
  let from = '-';
  for (;;) {
    const entries = await redis.xrangeBuffer(stream, from, '+', 'COUNT', RANGE_COUNT);
    if (entries.length === 0) return;
    let bytes = 0;
    for (const [, fields] of entries) bytes += fields[1]!.length + 1;
    const out = Buffer.allocUnsafe(bytes);
    let pos = 0;
    for (const [, fields] of entries) {
      pos += fields[1]!.copy(out, pos);
      out[pos++] = NEWLINE;
    }
    if (!process.stdout.write(out)) await new Promise((resolve) => process.stdout.once('drain', resolve));
    from = `(${entries[entries.length - 1]![0].toString('latin1')}`;
  }
}

const [mode, socket, stream, file] = process.argv.slice(2);
const redis = new Redis({ path: socket!, enableAutoPipelining: false, maxRetriesPerRequest: 1 });
try {
  if (mode === 'produce') await produce(redis, stream!, file!);
  else if (mode === 'consume') await consume(redis, stream!);
  else if (mode === 'delete') await redis.del(stream!);
  else throw new Error(`unknown mode ${mode}`);
} finally {
  redis.disconnect();
}
