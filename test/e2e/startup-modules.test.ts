// e2e: each command loads only what it uses (start-up cost is module loading). A preloaded script
// writes, as the process exits, the CommonJS modules it required (native addons load that way)
// and Node's own modules it loaded. `--version` and `--help` load no addon, no socket client and
// no compression; a produce of one short record does not load the CRC-32C addon (the checksum of
// a small batch is summed in JavaScript); no client loads SQLite. Every command's --help works
// with its action not loaded; the background broker's process loads no command. bin/spool.cjs
// runs the bundle only while it is not older than the compiled modules, and the bundle's start
// path is CommonJS: --version, --help, produce and consume never start the ES module loader.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import Module from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { after, before, describe, test } from 'node:test';
import { PROJECT_ROOT, SPOOL_BIN, spoolEnv } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const PRELOAD = `
process.on('exit', () => {
  const loaded = [
    ...Object.keys(require('node:module')._cache).map((path) => 'file:' + path),
    ...process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => 'node:' + m.slice('NativeModule '.length)),
  ];
  require('node:fs').appendFileSync(process.env.SPOOL_TEST_MODULE_LOG, loaded.join('\\n') + '\\n');
});
`;

// ES modules do not reach the CommonJS cache: a loader hook lists them.
const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, nextLoad) {
  appendFileSync(process.env.SPOOL_TEST_MODULE_LOG, url + '\\n');
  return nextLoad(url, context);
}
`;
const REGISTER = `
import { register } from 'node:module';
register(new URL('./hooks.mjs', import.meta.url));
`;

const SQLITE = /\/node_modules\/better-sqlite3\//;
/** spool's own CRC-32C addon, or @node-rs/crc32 where it did not build. */
const CRC_ADDON = /\/build\/Release\/spool_native\.node$|\/node_modules\/@node-rs\/crc32/;

describe('e2e > start-up loads only what a command uses', () => {
  let sandbox: SpoolSandbox;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
    await writeFile(join(sandbox.dir, 'preload.cjs'), PRELOAD);
    await writeFile(join(sandbox.dir, 'hooks.mjs'), HOOKS);
    await writeFile(join(sandbox.dir, 'register.mjs'), REGISTER);
  });

  after(async () => {
    await sandbox.cleanup();
  });

  async function modulesLoadedBy(name: string, nodeArgs: readonly string[], args: readonly string[], input = '', status = 0): Promise<string[]> {
    const log = join(sandbox.dir, `${name}.modules`);
    await writeFile(log, '');
    const run = spawnSync(process.execPath, [...nodeArgs, SPOOL_BIN, '--data-dir', sandbox.dataDir, ...args], {
      input,
      encoding: 'utf8',
      env: spoolEnv({ SPOOL_TEST_MODULE_LOG: log }),
      timeout: 60_000,
    });
    assert.equal(run.status, status, `spool ${args.join(' ')}: ${run.stderr}`);
    return (await readFile(log, 'utf8')).split('\n').filter((l) => l !== '');
  }

  async function requiredBy(name: string, args: readonly string[], input = ''): Promise<string[]> {
    const modules = await modulesLoadedBy(name, ['-r', join(sandbox.dir, 'preload.cjs')], args, input);
    assert.ok(modules.includes('node:fs'), 'the preload saw Node load its modules');
    return modules;
  }

  /** Both lists: CommonJS modules and Node's (the preload), and ES modules (the loader hook). */
  async function allLoadedBy(name: string, args: readonly string[], input = '', status = 0): Promise<string[]> {
    const nodeArgs = ['-r', join(sandbox.dir, 'preload.cjs'), '--import', join(sandbox.dir, 'register.mjs')];
    return modulesLoadedBy(name, nodeArgs, args, input, status);
  }

  // Node's ES module loader loads its translators for the first ES module a process runs.
  const ESM_LOADER = 'node:internal/modules/esm/translators';

  test('--version, --help, a produce and a consume load no ES module (the bundle is CommonJS)', async () => {
    const bundled = (statSync(join(PROJECT_ROOT, 'dist', 'bundle', 'cli', 'spool.cjs'), { throwIfNoEntry: false })?.mtimeMs ?? -1) >=
      statSync(join(PROJECT_ROOT, 'dist', 'src', 'cli', 'main.js')).mtimeMs;
    for (const [name, args, input] of [
      ['version-cjs', ['--version'], ''],
      ['help-cjs', ['--help'], ''],
      ['produce-cjs', ['produce', 'startup', '--quiet'], 'one line\n'],
      ['consume-cjs', ['consume', 'startup', '-e'], ''],
    ] as const) {
      const modules = await requiredBy(name, args, input);
      if (bundled) assert.ok(modules.some((m) => m.includes('/dist/bundle/cli/')), `spool ${args.join(' ')}: the preload saw the bundle's chunks`);
      // The check can fail: tsc's output (after a bare tsc) is ES modules only.
      assert.equal(modules.includes(ESM_LOADER), !bundled, `spool ${args.join(' ')}: ES module loader started`);
    }
  });

  for (const [name, args] of [
    ['version', ['--version']],
    ['help', ['--help']],
  ] as const) {
    test(`spool ${args.join(' ')} loads no addon, no socket client and no compression`, async () => {
      // (node:net comes with a terminal or a pipe on stdout, so the client is checked by its own
      // import: node:timers/promises is the reading commands'.)
      const modules = await requiredBy(name, args);
      assert.deepEqual(
        modules.filter((m) => SQLITE.test(m) || CRC_ADDON.test(m) || m === 'node:zlib' || m === 'node:timers/promises'),
        [],
      );
    });
  }

  test('a produce of one short record loads neither SQLite, the CRC-32C addon, node:zlib nor node:perf_hooks', async () => {
    const modules = await requiredBy('produce', ['produce', 'startup', '--quiet'], 'one line\n');
    assert.deepEqual(modules.filter((m) => SQLITE.test(m) || CRC_ADDON.test(m) || m === 'node:zlib' || m === 'node:perf_hooks'), []);
  });

  test('a gzip produce does load node:zlib (the check can fail)', async () => {
    const modules = await requiredBy('produce-gzip', ['produce', 'startup', '--quiet', '-z', 'gzip'], 'one line\n');
    assert.ok(modules.includes('node:zlib'));
  });

  test('a produce of large records does load the CRC-32C addon (the check can fail)', async () => {
    const modules = await requiredBy('produce-large', ['produce', 'startup', '--quiet'], `${'x'.repeat(4000)}\n`.repeat(4));
    assert.ok(modules.some((m) => CRC_ADDON.test(m)));
  });

  test('consume loads no SQLite', async () => {
    const modules = await requiredBy('consume', ['consume', 'startup', '-e'], '');
    assert.ok(modules.includes('node:timers/promises'), 'the consume client was loaded');
    assert.deepEqual(modules.filter((m) => SQLITE.test(m)), []);
  });

  test('local commands load neither the Kafka client library nor the TOML parser; a kafka:// broker loads the library', async () => {
    // The library is bundled into the kafka-target chunk (its WebAssembly codecs stay in
    // node_modules/@platformatic/wasm-utils); unbundled, it loads from node_modules.
    const KAFKA_CLIENT = /\/node_modules\/(@platformatic\/|smol-toml\/)|\/kafka-target[-.]/;
    for (const [name, args, input] of [
      ['produce-esm', ['produce', 'startup', '--quiet'], 'one line\n'],
      ['consume-esm', ['consume', 'startup', '-e'], ''],
      ['topic-list-esm', ['topic', 'list'], ''],
    ] as const) {
      const modules = await allLoadedBy(name, args, input);
      assert.deepEqual(modules.filter((m) => KAFKA_CLIENT.test(m)), [], `spool ${args.join(' ')}`);
    }
    // Nothing listens on port 1: exit 3, after loading the library.
    const remote = await allLoadedBy('remote-esm', ['--broker', 'kafka://127.0.0.1:1', '-X', 'socket.connection.setup.timeout.ms=500', 'topic', 'list'], '', 3);
    assert.ok(remote.some((m) => /\/node_modules\/@platformatic\//.test(m)), 'the Kafka client library was loaded for kafka://');
  });

  test('every command prints its --help (their actions load only when they run)', () => {
    const commands = [
      [], ['produce'], ['consume'], ['tail'], ['top'], ['completion'], ['verify'], ['dump'],
      ['topic'], ['topic', 'create'], ['topic', 'list'], ['topic', 'describe'], ['topic', 'alter'], ['topic', 'delete'], ['topic', 'trim'], ['topic', 'offsets'],
      ['group'], ['group', 'list'], ['group', 'describe'], ['group', 'reset'], ['group', 'delete'],
      ['broker'], ['broker', 'start'], ['broker', 'stop'], ['broker', 'status'], ['broker', 'user'], ['broker', 'user', 'add'], ['broker', 'user', 'remove'], ['broker', 'user', 'list'],
    ];
    for (const path of commands) {
      const run = spawnSync(process.execPath, [SPOOL_BIN, ...path, '--help'], { encoding: 'utf8', env: spoolEnv({}), timeout: 60_000 });
      assert.equal(run.status, 0, `spool ${path.join(' ')} --help: ${run.stderr}`);
      assert.ok(run.stdout.startsWith(`Usage: ${['spool', ...path].join(' ')} `), `spool ${path.join(' ')} --help: ${run.stdout.slice(0, 80)}`);
      assert.equal(run.stderr, '');
    }
  });

  test("the background broker's process (bin/spool-broker.cjs) loads no command, no commander and no node:crypto", async () => {
    const log = join(sandbox.dir, 'daemon.modules');
    await writeFile(log, '');
    const dataDir = join(sandbox.dir, 'daemon-data');
    mkdirSync(dataDir);
    const daemon = spawn(process.execPath, ['-r', join(sandbox.dir, 'preload.cjs'), '--import', join(sandbox.dir, 'register.mjs'), join(PROJECT_ROOT, 'bin', 'spool-broker.cjs'), '--data-dir', dataDir, '--socket', join(dataDir, 's.sock')], {
      // As the launcher runs it: its ready line comes on descriptor 3.
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env: spoolEnv({ SPOOL_TEST_MODULE_LOG: log, SPOOL_LAUNCHER_FD: '3' }),
    });
    let stderr = '';
    daemon.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    let said = '';
    const launcherPipe = daemon.stdio[3] as NodeJS.ReadableStream;
    const line = new Promise<string>((resolve) => {
      launcherPipe.on('data', (d: Buffer) => {
        said += d.toString();
        if (said.includes('\n')) resolve(said);
      });
      launcherPipe.on('end', () => resolve(said));
    });
    const exited = new Promise((resolve) => daemon.once('exit', resolve));
    const message = await line;
    assert.deepEqual(message === '' ? null : (JSON.parse(message) as { kind: string }).kind, 'ready', `the broker did not start: ${stderr}`);
    daemon.kill('SIGTERM');
    await exited;
    const logged = (await readFile(log, 'utf8')).split('\n');
    // A first start on a fresh data dir: its cluster id comes from /dev/urandom (node:crypto costs
    // a start some 8 ms to load). The check can fail: the preload lists Node's modules.
    assert.ok(logged.includes('node:fs'), 'the preload saw the broker load its modules');
    assert.ok(!logged.includes('node:crypto'), 'the broker loaded node:crypto at start');
    const loaded = logged.filter((url) => url.startsWith('file://'));
    const bundle = join(PROJECT_ROOT, 'dist', 'bundle', 'broker', 'broker-daemon.cjs');
    const compiled = join(PROJECT_ROOT, 'dist', 'src', 'cli', 'broker-daemon.js');
    if ((statSync(bundle, { throwIfNoEntry: false })?.mtimeMs ?? -1) >= statSync(compiled).mtimeMs) {
      // The CommonJS bundle: no module of dist/ loaded through the ES module loader (the hook sees
      // the launcher itself only), and commander is not in the bundle.
      assert.deepEqual(loaded.filter((url) => url.includes('/dist/')), []);
      assert.ok(!readFileSync(bundle, 'utf8').includes('commander.unknownCommand'), 'commander is not bundled into the broker');
    } else {
      assert.ok(loaded.some((url) => /\/cli\/broker-daemon\.js$/.test(url)), 'the daemon entry was loaded');
      assert.deepEqual(loaded.filter((url) => /\/node_modules\/commander\/|\/cli\/(main|program|spool)\.js$|\/cli\/commands\/(?!broker-foreground|broker-settings)/.test(url)), []);
    }
  });

  for (const [what, bundlePath, compiledPath] of [
    ["the broker's bundle", ['broker', 'broker-daemon.cjs'], ['cli', 'broker-daemon.js']],
    ["the CLI's entry", ['cli', 'spool.cjs'], ['cli', 'main.js']],
  ] as const) {
    test(`the build leaves ${what} a V8 code cache that this Node accepts`, (t) => {
      const bundle = join(PROJECT_ROOT, 'dist', 'bundle', ...bundlePath);
      if ((statSync(bundle, { throwIfNoEntry: false })?.mtimeMs ?? -1) < statSync(join(PROJECT_ROOT, 'dist', 'src', ...compiledPath)).mtimeMs) {
        t.skip("the bundle is older than tsc's output (a bare tsc): the compiled modules run");
        return;
      }
      // As bin/code-cache.cjs compiles it (scripts/code-caches.mjs fails with a warning only).
      const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData: readFileSync(`${bundle}.cache`) });
      assert.equal(script.cachedDataRejected, false);
    });
  }

  test('the build leaves the packs of produce, consume and tail a V8 code cache that this Node accepts', (t) => {
    const dir = join(PROJECT_ROOT, 'dist', 'bundle', 'cli');
    if ((statSync(join(dir, 'spool.cjs'), { throwIfNoEntry: false })?.mtimeMs ?? -1) < statSync(join(PROJECT_ROOT, 'dist', 'src', 'cli', 'main.js')).mtimeMs) {
      t.skip("the bundle is older than tsc's output (a bare tsc): the compiled modules run");
      return;
    }
    for (const command of ['produce', 'consume', 'tail']) {
      const pack = readdirSync(dir).find((name) => name.startsWith(`run-${command}-`) && name.endsWith('.pack.cjs'));
      assert.ok(pack !== undefined, `a pack runs ${command}`);
      const bundle = join(dir, pack);
      const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData: readFileSync(`${bundle}.cache`) });
      assert.equal(script.cachedDataRejected, false, `${pack}'s cache is accepted`);
    }
  });

  test("the bundle's CommonJS chunks hand each other their functions as plain values, not through getters", () => {
    const dir = join(PROJECT_ROOT, 'dist', 'bundle', 'cli');
    // The varint writers, called per record by produce, from a chunk of their own.
    const stub = readdirSync(dir).find((name) => name.endsWith('.cjs') && !name.endsWith('.pack.cjs') && /0&&\(module\.exports=\{[^}]*\bwriteVarint\b/.test(readFileSync(join(dir, name), 'utf8')));
    assert.ok(stub !== undefined, 'a chunk exports writeVarint');
    const probe = `const m=require(${JSON.stringify(join(dir, stub))});const d=Object.getOwnPropertyDescriptor(m,'writeVarint');console.log(JSON.stringify({ value: typeof d.value, get: typeof d.get, works: m.writeVarint(Buffer.alloc(5), 0, 300) }))`;
    const out = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), { value: 'function', get: 'undefined', works: 2 });
  });

  test('the build settles only exports whose binding cannot change (function and class declarations never assigned)', async () => {
    const { settleFunctionExports } = (await import(pathToFileURL(join(PROJECT_ROOT, 'scripts', 'commonjs-chunks.mjs')).href)) as { settleFunctionExports: (code: string) => string };
    const chunk = (body: string) =>
      'var __defProp=Object.defineProperty;var __export=(target,all)=>{for(var name in all)__defProp(target,name,{get:all[name],enumerable:!0})};' +
      `var stdin_exports={};__export(stdin_exports,{fixed:()=>fixed,moved:()=>moved,counter:()=>counter,Shape:()=>Shape});module.exports=stdin_exports;${body}\n` +
      '0&&(module.exports={fixed,moved,counter,Shape});';
    const code = settleFunctionExports(chunk('function fixed(){return 1}function moved(){return 2}let counter=0;class Shape{}function bump(){counter++;moved=()=>3}'));
    const module = { exports: {} as Record<string, unknown> };
    new Function('module', 'exports', code)(module, module.exports);
    const kind = (name: string) => ('value' in Object.getOwnPropertyDescriptor(module.exports, name)! ? 'value' : 'getter');
    assert.deepEqual(
      ['fixed', 'moved', 'counter', 'Shape'].map((name) => [name, kind(name)]),
      [['fixed', 'value'], ['moved', 'getter'], ['counter', 'getter'], ['Shape', 'value']],
    );
    assert.match(code, /0&&\(module\.exports=\{fixed,moved,counter,Shape\}\);$/, "esbuild's export annotation stays last");
  });

  test('bin/spool.cjs runs the bundle when it is at least as new as the compiled modules, else them', async () => {
    const bundle = join(PROJECT_ROOT, 'dist', 'bundle', 'cli', 'spool.cjs');
    const compiled = join(PROJECT_ROOT, 'dist', 'src', 'cli', 'main.js');
    const bundleMs = statSync(bundle, { throwIfNoEntry: false })?.mtimeMs ?? -1;
    const modules = await allLoadedBy('which', ['--version']);
    const useBundle = bundleMs >= statSync(compiled).mtimeMs;
    // The preload lists CommonJS files as file:PATH, the hook ES modules as file://PATH.
    assert.equal(modules.includes(`file:${bundle}`), useBundle, `bundle loaded: ${useBundle}`);
    assert.equal(modules.includes(`file://${compiled}`), !useBundle, `compiled main loaded: ${!useBundle}`);
  });
});
