// e2e: the published package (SPEC §10: typed, ESM, types in the package). package.json's
// exports lead `import … from 'spool'` to the library and its declarations; examples/library.ts
// type-checks against them (strict) both through the package's own name and from a project that
// installed spool, a misuse of the types does not, and the compiled example runs against a
// broker. A program on the library loads no terminal UI, no command-line parser and no SQLite.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { linkSpoolPackage, runLibraryScript, writeLibraryScript } from '../helpers/library-scripts.js';
import { PROJECT_ROOT, SPOOL_BIN, stdoutLines } from '../helpers/spool-cli.js';
import { SpoolSandbox } from '../helpers/spool-sandbox.js';

const TSC = join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const EXAMPLE = join(PROJECT_ROOT, 'examples', 'library.ts');

interface PackageJson {
  name: string;
  type: string;
  bin: Record<string, string>;
  exports: Record<string, { types: string; import: string } | string>;
}

/** Type-check (and emit) `files` with the compiler options a program on spool would use. */
function typeCheck(dir: string, name: string, files: string[], rootDir: string): { code: number | null; output: string } {
  const config = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noUncheckedIndexedAccess: true,
      // The published declarations are checked too, not only the program.
      skipLibCheck: false,
      types: ['node'],
      typeRoots: [join(PROJECT_ROOT, 'node_modules', '@types')],
      rootDir,
      outDir: join(dir, `out-${name}`),
    },
    files,
  };
  const path = join(dir, `${name}.tsconfig.json`);
  writeFileSync(path, JSON.stringify(config));
  const run = spawnSync(process.execPath, [TSC, '-p', path], { encoding: 'utf8', timeout: 120_000 });
  return { code: run.status, output: run.stdout + run.stderr };
}

describe('e2e > library > the package', () => {
  let sandbox: SpoolSandbox;
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as PackageJson;

  before(async () => {
    sandbox = await SpoolSandbox.create({ broker: true });
    await linkSpoolPackage(sandbox.dir);
    // A program's own package.json: an ES module project that depends on spool.
    await writeFile(join(sandbox.dir, 'package.json'), JSON.stringify({ name: 'orders-app', type: 'module', dependencies: { spool: '*' } }));
  });

  after(async () => {
    await sandbox.cleanup();
  });

  test("package.json exports '.' as ESM with its types, and keeps the spool command", () => {
    assert.equal(pkg.name, 'spool');
    assert.equal(pkg.type, 'module');
    const entry = pkg.exports['.'];
    assert.ok(typeof entry === 'object');
    assert.ok(existsSync(join(PROJECT_ROOT, entry.import)), `${entry.import} is built`);
    assert.ok(existsSync(join(PROJECT_ROOT, entry.types)), `${entry.types} is built`);
    assert.equal(pkg.bin.spool, 'bin/spool.cjs');
    const version = spawnSync(process.execPath, [SPOOL_BIN, '--version'], { encoding: 'utf8' });
    assert.equal(version.status, 0);
  });

  test('examples/library.ts type-checks through the package name; a misuse of the types does not', async () => {
    const own = typeCheck(sandbox.dir, 'own', [EXAMPLE], join(PROJECT_ROOT, 'examples'));
    assert.equal(own.code, 0, `examples/library.ts, resolved through package.json's own name:\n${own.output}`);

    // The same file in a project that installed spool (node_modules/spool), compiled to run.
    const copy = join(sandbox.dir, 'library.ts');
    await writeFile(copy, readFileSync(EXAMPLE));
    const installed = typeCheck(sandbox.dir, 'installed', [copy], sandbox.dir);
    assert.equal(installed.code, 0, `library.ts in a project depending on spool:\n${installed.output}`);

    const misuse = join(sandbox.dir, 'misuse.ts');
    await writeFile(
      misuse,
      [
        "import { connect } from 'spool';",
        'const client = await connect({ dataDir: 1 });',
        "for await (const record of client.consume('t')) { const text: string = record.value; console.log(text); }",
        "await client.producer().send('t', [{ key: 'k' }]);",
        "await client.topics.create('t', { partitions: '3' });",
        '',
      ].join('\n'),
    );
    const wrong = typeCheck(sandbox.dir, 'misuse', [misuse], sandbox.dir);
    assert.notEqual(wrong.code, 0);
    for (const line of [2, 3, 4, 5]) assert.match(wrong.output, new RegExp(`misuse\\.ts\\(${line},`), `line ${line} is a type error:\n${wrong.output}`);
  });

  test('the compiled example runs against the broker', async () => {
    const compiled = join(sandbox.dir, 'out-installed', 'library.js');
    if (!existsSync(compiled)) {
      const installed = typeCheck(sandbox.dir, 'installed', [join(sandbox.dir, 'library.ts')], sandbox.dir);
      assert.equal(installed.code, 0, installed.output);
    }
    const result = await runLibraryScript(compiled, [], { SPOOL_HOME: sandbox.dataDir });
    assert.equal(result.code, 0, result.stderr);
    const lines = stdoutLines(result);
    assert.match(lines[0]!, /^sent 3 orders to partitions \d,\d,\d$/);
    assert.ok(lines.includes('customer-1: 2 items'), lines.join('\n'));
    assert.ok(lines.includes('customer-2: 3 items'), lines.join('\n'));
    assert.ok(lines.includes('group billing: empty, lag 0'), lines.join('\n'));
    assert.ok(lines.includes('orders: 3 partitions, retention.ms 86400000'), lines.join('\n'));
    assert.ok(lines.includes('TopicNotFoundError: topic "no-such-topic" does not exist (exit code 1)'), lines.join('\n'));
  });

  test('a program on the library loads no ink, react, commander, chalk, ora nor better-sqlite3', async () => {
    const log = join(sandbox.dir, 'modules.log');
    await writeFile(log, '');
    await writeFile(
      join(sandbox.dir, 'hooks.mjs'),
      "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, nextLoad) {\n  appendFileSync(process.env.MODULE_LOG, url + '\\n');\n  return nextLoad(url, context);\n}\n",
    );
    const script = await writeLibraryScript(
      sandbox.dir,
      'modules.mjs',
      [
        "import { register } from 'node:module';",
        "register(new URL('./hooks.mjs', import.meta.url));",
        "const { connect } = await import('spool');",
        'const client = await connect({ dataDir: process.argv[2], autostart: false });',
        "await client.producer().send('modules', [{ key: 'k', value: 'v' }]);",
        "for await (const r of client.consume('modules', { group: 'm', exitAtEnd: true })) console.log(r.value.toString());",
        'console.log((await client.topics.list()).length, (await client.groups.list()).length);',
        'await client.close();',
        '',
      ].join('\n'),
    );
    const result = await runLibraryScript(script, [sandbox.dataDir], { MODULE_LOG: log });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(stdoutLines(result)[0], 'v');
    const loaded = readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');
    assert.ok(loaded.some((url) => url.includes('/dist/src/lib/index.js')), 'the library entry loaded');
    const unwanted = loaded.filter((url) => /\/node_modules\/(ink|react|commander|chalk|ora|better-sqlite3)\/|\/dist\/src\/(cli|ui|term)\/|\/dist\/bundle\//.test(url));
    assert.deepEqual(unwanted, []);
  });
});
