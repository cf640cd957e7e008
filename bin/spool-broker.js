#!/usr/bin/env node
// Launcher of the background broker's process (spawned by `spool broker start` and autostart, see
// src/client/broker-launcher.ts; not a command of its own): src/cli/broker-daemon.ts, from the
// bundle while it is at least as new as tsc's output, as bin/spool.js chooses.
import { statSync } from 'node:fs';

const modifiedMs = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundled = modifiedMs('../dist/bundle/cli/broker-daemon.js') >= modifiedMs('../dist/src/cli/broker-daemon.js');
const { main } = await import(bundled ? '../dist/bundle/cli/broker-daemon.js' : '../dist/src/cli/broker-daemon.js');

await main(process.argv);
