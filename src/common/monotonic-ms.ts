// Milliseconds of a monotonic clock, for the durations a command reports: process.hrtime is
// part of the process object, where the `performance` global loads node:perf_hooks on first use
// (a millisecond of every produce's start-up).
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
