// Process exit codes, as SPEC §3 "Exit codes" defines them.
export const ExitCode = {
  Ok: 0,
  Runtime: 1,
  Usage: 2,
  NoBroker: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
