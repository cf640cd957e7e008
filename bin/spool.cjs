#!/usr/bin/env node
// Launcher only: the program lives in dist/, built by `npm install` (the prepare script): tsc into
// dist/src, then scripts/bundle-cli.mjs bundles it into dist/bundle/cli, which starts faster: its
// chunks are CommonJS wherever they can be, so that most commands never start Node's ES module
// loader (this launcher is CommonJS for the same reason), and its entry is compiled from a V8
// code cache (bin/code-cache.cjs).
// The bundle runs only while it is at least as new as tsc's output: after a bare `tsc` (the
// bundle not redone) the freshly compiled modules run instead of an out-of-date bundle.
'use strict';
const { statSync } = require('node:fs');
const { join } = require('node:path');

const BUNDLE = join(__dirname, '../dist/bundle/cli/spool.cjs');
const COMPILED = join(__dirname, '../dist/src/cli/main.js');
const modifiedMs = (path) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? -1;

if (modifiedMs(BUNDLE) >= modifiedMs(COMPILED)) require('./code-cache.cjs').requireWithCodeCache(BUNDLE).main(process.argv);
else import(COMPILED).then(({ main }) => main(process.argv));
