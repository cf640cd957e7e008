#!/usr/bin/env node
// The `spool` command's former entry, kept for scripts that run `node bin/spool.js`: it runs
// bin/spool.cjs (package.json's bin), which starts faster than an ES module entry can.
import './spool.cjs';
