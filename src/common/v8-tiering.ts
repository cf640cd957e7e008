// The commands that stream records (produce, consume, tail) ask V8 to optimise their hot
// functions sooner. V8 compiles a function with its optimising compiler once the function has run
// a certain amount of bytecode (its interrupt budget, 66 KiB by default). A command that moves a
// few records a millisecond runs each of its per-batch functions only a thousand times a second,
// so at the default they were still being optimised 3 to 6 s after the start, each compilation a
// burst on a background thread that held records up. A quarter of the default brought that into
// the first 3 s (latency case of `npm run bench`, three alternating runs of each build: p99
// 0.64–0.71 ms and p99.9 2.5–4.1 ms against 0.74–0.91 and 4.1–4.4 ms); an eighth brings produce's
// read loop (a 12–19 ms compilation) from 2.4–3.1 s after the start into the first 1.5 s, and the
// p99 of the whole 13 s of the latency case, warm-up included, from 2.13–2.87 ms to 1.83–2.27 ms
// (five alternating runs of each). The broker keeps the default: it runs long, and with the budget
// lowered in it too its peak RSS over the throughput bench rose from 58 to 60.1 MiB, over its
// budget of 60.
import { createRequire } from 'node:module';

/** An eighth of V8's default (67,584 bytes of bytecode in Node 20). */
export const STREAMING_INTERRUPT_BUDGET = 8 * 1024;

/**
 * Not at once: V8 takes a changed flag as a reason to refuse the code caches of modules loaded
 * after it (a one-line `produce` took 8 ms longer), and a command still running after this long
 * has loaded what it runs on.
 */
const AFTER_START_MS = 250;

export function tierUpSooner(): void {
  // The build's runs that write the code caches (scripts/code-caches.mjs): a cache written under
  // a changed flag is refused at every later start, which runs with V8's defaults.
  if (process.env.SPOOL_WRITE_CODE_CACHE === '1') return;
  setTimeout(() => {
    try {
      const v8 = createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
      v8.setFlagsFromString(`--interrupt-budget=${STREAMING_INTERRUPT_BUDGET}`);
    } catch {
      // A runtime without the flag: it only ever made things sooner.
    }
  }, AFTER_START_MS).unref();
}
