#!/usr/bin/env node
// Launcher of the background broker's process (spawned by `spool broker start` and autostart, see
// src/client/broker-launcher.ts; not a command of its own): src/cli/broker-daemon.ts, from its
// CommonJS bundle while that is at least as new as tsc's output (as bin/spool.js chooses), compiled
// with the V8 code cache that `npm run build` made for it (scripts/broker-code-cache.mjs): the
// broker then starts without parsing and compiling its 340 KB again. A cache that does not fit
// this Node (another version) is ignored by V8, and the bundle compiles as usual.
'use strict';
const { readFileSync, statSync, writeFileSync } = require('node:fs');
const { createRequire, wrap } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const BUNDLE = join(__dirname, '../dist/bundle/broker/broker-daemon.cjs');
const COMPILED = join(__dirname, '../dist/src/cli/broker-daemon.js');
const CACHE = `${BUNDLE}.cache`;

const modifiedMs = (path) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? -1;

function loadBundle() {
  let cachedData;
  try {
    cachedData = readFileSync(CACHE);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(wrap(readFileSync(BUNDLE, 'utf8')), { filename: BUNDLE, cachedData });
  // The build asks for the cache: written at exit, it holds every function start-up compiled.
  const cacheOut = process.env.SPOOL_WRITE_CODE_CACHE;
  if (cacheOut) process.once('exit', () => writeFileSync(cacheOut, script.createCachedData()));
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, join(BUNDLE, '..'));
  return module.exports;
}

if (modifiedMs(BUNDLE) >= modifiedMs(COMPILED)) loadBundle().main(process.argv);
else import(COMPILED).then(({ main }) => main(process.argv));
