#!/usr/bin/env node
// Launcher only: the program lives in dist/, built by `npm install` (the prepare script): tsc into
// dist/src, then scripts/bundle-cli.mjs bundles it into dist/bundle/cli, which starts faster.
// The bundle runs only while it is at least as new as tsc's output: after a bare `tsc` (the
// bundle not redone) the freshly compiled modules run instead of an out-of-date bundle.
import { statSync } from 'node:fs';

const modifiedMs = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundled = modifiedMs('../dist/bundle/cli/spool.js') >= modifiedMs('../dist/src/cli/main.js');
const { main } = await import(bundled ? '../dist/bundle/cli/spool.js' : '../dist/src/cli/main.js');

await main(process.argv);
