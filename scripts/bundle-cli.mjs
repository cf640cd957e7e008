// Bundles the compiled CLI (dist/src, from tsc) into dist/bundle/cli/: a start-up that loads a
// few files instead of a hundred modules (ESM resolution and compilation per module cost more
// than the CLI's own work for --version, --help or a one-line produce). Commands load their own
// chunks through the dynamic imports in the source (the broker, the consume loop, the views).
//
// commander and chalk are bundled (small, pure JavaScript, wanted by most commands); every other
// package stays an import: native addons (better-sqlite3, @node-rs/crc32) must load from
// node_modules, and the terminal views' packages (ink, react, ora) load only on a terminal.
// The Kafka client library (remote mode) is bundled with its dependencies into the chunk that
// only a kafka:// broker loads: some 200 modules become one, a third off its import time
// (measured: 500 ms against 790). Its WebAssembly codecs stay in node_modules (they read their
// .wasm file next to themselves).
//
// The background broker's process (bin/spool-broker.cjs) runs one CommonJS file of its own,
// dist/bundle/broker/broker-daemon.cjs: Node 20 starts its ES module loader for the first ES module
// a process loads, which costs that process about 3 MiB of RSS and 30 ms of CPU, and keeps no
// code cache for ES modules; a CommonJS file can start from a V8 code cache
// (scripts/broker-code-cache.mjs). Everything the broker uses from node_modules is CommonJS.
//
// The chunks sit three directories below the project root, as dist/src/*/ files do, so paths the
// code resolves from import.meta.url (package.json, bin/spool.js) hold in every build.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMONJS_BANNER, COMMONJS_OPTIONS, ESM_REQUIRE_BANNER, convertChunksToCommonJs } from './commonjs-chunks.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle/cli`;
const brokerOutdir = `${root}dist/bundle/broker`;
const BUNDLED_PACKAGES = new Set(['commander', 'chalk', '@platformatic/kafka']);
/** Bundled with the package that imports them, except these. */
const KEPT_EXTERNAL = new Set(['@platformatic/wasm-utils']);

/** `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Bare specifiers only: not relative paths, and not a package's own `#imports`. */
function externals(bundledPackages) {
  return {
    name: 'spool-externals',
    setup(b) {
      b.onResolve({ filter: /^[^./#]/ }, (args) => {
        if (args.path.startsWith('node:') || KEPT_EXTERNAL.has(packageName(args.path))) return { path: args.path, external: true };
        // A dependency of a bundled package (imported from inside node_modules) is bundled too.
        const fromPackage = args.importer.includes('/node_modules/');
        if (!fromPackage && !bundledPackages.has(packageName(args.path))) return { path: args.path, external: true };
        return undefined;
      });
    },
  };
}
/**
 * The broker's bundle also carries better-sqlite3's JavaScript (its addon still loads from
 * node_modules, by the path storage/database.ts gives it): a dozen files fewer to resolve and
 * read at every broker start.
 */
const BROKER_BUNDLED_PACKAGES = new Set([...BUNDLED_PACKAGES, 'better-sqlite3']);

/**
 * commander requires node:child_process at load, for executable subcommands (which spool has
 * none of): that one require loads node:net, node:dgram and the stream modules into every start.
 * It is deferred to the first spawn; if commander's source no longer has the line, the build
 * fails rather than quietly losing the saving.
 */
const CHILD_PROCESS_REQUIRE = "const childProcess = require('node:child_process');";
const lazyChildProcess = {
  name: 'spool-lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(CHILD_PROCESS_REQUIRE)) throw new Error(`${args.path}: the require of node:child_process changed`);
      const lazy = "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
      return { contents: source.replace(CHILD_PROCESS_REQUIRE, lazy), loader: 'js' };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
rmSync(brokerOutdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { 'broker-daemon': 'dist/src/cli/broker-daemon.js' },
  outdir: brokerOutdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  ...COMMONJS_OPTIONS,
  banner: { js: COMMONJS_BANNER },
  plugins: [externals(BROKER_BUNDLED_PACKAGES)],
});
const cli = await build({
  absWorkingDir: root,
  entryPoints: { spool: 'dist/src/cli/main.js' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Less to scan at every start; identifiers keep their names (errors take theirs from the class).
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  // commander is CommonJS: its require() of Node's own modules needs a require in ESM output.
  banner: { js: ESM_REQUIRE_BANNER },
  plugins: [externals(BUNDLED_PACKAGES), lazyChildProcess],
  metafile: true,
});
const entry = await convertChunksToCommonJs(root, outdir, cli.metafile, 'spool');
if (entry !== 'spool.cjs') throw new Error(`the CLI's entry chunk must be CommonJS (bin/spool.cjs requires it), not ${entry}`);
