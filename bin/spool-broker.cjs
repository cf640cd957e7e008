#!/usr/bin/env node
// Launcher of the background broker's process (spawned by `spool broker start` and autostart, see
// src/client/broker-launcher.ts; not a command of its own): src/cli/broker-daemon.ts, from its
// CommonJS bundle while that is at least as new as tsc's output (as bin/spool.cjs chooses),
// compiled from its V8 code cache (bin/code-cache.cjs): the broker then starts without parsing and
// compiling its 340 KB again.
'use strict';
const { statSync } = require('node:fs');
const { join } = require('node:path');
const { requireWithCodeCache } = require('./code-cache.cjs');

const BUNDLE = join(__dirname, '../dist/bundle/broker/broker-daemon.cjs');
const COMPILED = join(__dirname, '../dist/src/cli/broker-daemon.js');

const modifiedMs = (path) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? -1;

if (modifiedMs(BUNDLE) >= modifiedMs(COMPILED)) requireWithCodeCache(BUNDLE).main(process.argv);
else import(COMPILED).then(({ main }) => main(process.argv));
