// Turns the CLI bundle's ES module chunks into CommonJS files (.cjs) wherever Node 20 lets a
// CommonJS file load them: a process whose modules are all CommonJS never starts Node's ES module
// loader, which costs `spool --version` about a third of its run time (its asynchronous
// resolution and reads, and the ES module facades of Node's own modules). The chunk graph stays
// esbuild's: no module is duplicated, so every class and every module's state exists once.
//
// A chunk stays an ES module when it cannot be required: it has a top-level await, or it imports
// a package whose `require` entry is an ES module (ink, @platformatic/wasm-utils), or it imports
// such a chunk. ES module chunks import CommonJS chunks by name (esbuild annotates the export
// names for Node's CommonJS lexer), and CommonJS chunks load ES module chunks with import().
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { transform } from 'esbuild';

/** The createRequire banner of ES module chunks; CommonJS has its own require. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __spoolCreateRequire } from 'node:module';\nconst require = __spoolCreateRequire(import.meta.url);";
/** What stands for import.meta.url in CommonJS output: the file's own URL. */
export const COMMONJS_BANNER = "const __spoolModuleUrl = require('node:url').pathToFileURL(__filename).href;";
/** esbuild's options for CommonJS output (the broker's bundle, and the chunks turned here). */
export const COMMONJS_OPTIONS = {
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  // import.meta.url, as each file's own URL (the banner).
  define: { 'import.meta.url': '__spoolModuleUrl' },
};

/** `@scope/name/sub` -> ['@scope/name', './sub']; `name` -> ['name', '.']. */
function splitSpecifier(specifier) {
  const parts = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  const subpath = parts.slice(nameLength).join('/');
  return [parts.slice(0, nameLength).join('/'), subpath === '' ? '.' : `./${subpath}`];
}

/** The target of an `exports` entry under the conditions require() uses. */
function requireTarget(entry) {
  if (typeof entry === 'string' || entry === null) return entry;
  for (const condition of ['node', 'require', 'default']) {
    if (condition in entry) {
      const target = requireTarget(entry[condition]);
      if (target !== undefined) return target;
    }
  }
  return undefined;
}

/** Whether require(specifier) from the project fails because the file it names is an ES module. */
function requiresEsModule(root, specifier) {
  if (specifier.startsWith('node:')) return false;
  const [name, subpath] = splitSpecifier(specifier);
  const pkg = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'));
  let target;
  if (pkg.exports !== undefined) {
    const exportsMap = typeof pkg.exports === 'object' && Object.keys(pkg.exports).some((k) => k.startsWith('.')) ? pkg.exports : { '.': pkg.exports };
    target = requireTarget(exportsMap[subpath]);
    if (target === undefined) return true; // not exported to require() at all
  } else {
    target = subpath === '.' ? (pkg.main ?? 'index.js') : subpath;
  }
  return target.endsWith('.mjs') || (pkg.type === 'module' && !target.endsWith('.cjs'));
}

/**
 * Rewrites the chunks esbuild wrote into `outdir` (described by its metafile): each one that can
 * be CommonJS becomes NAME.cjs, and every reference to it follows. Returns the entry's file name.
 */
export async function convertChunksToCommonJs(root, outdir, metafile, entryName) {
  const chunks = new Map();
  for (const [path, output] of Object.entries(metafile.outputs)) {
    if (!path.endsWith('.js')) continue;
    const name = basename(path);
    const imports = output.imports.map((i) => ({ ...i, name: i.external ? i.path : basename(i.path) }));
    chunks.set(name, { name, imports, source: readFileSync(join(outdir, name), 'utf8'), commonJs: true });
  }

  for (const chunk of chunks.values()) {
    const esmPackage = chunk.imports.some((i) => i.external && i.kind === 'import-statement' && requiresEsModule(root, i.path));
    if (esmPackage || !(await transformsToCommonJs(chunk.source))) chunk.commonJs = false;
  }
  // A CommonJS file cannot import an ES module statically: its importers stay ES modules too.
  for (let changed = true; changed; ) {
    changed = false;
    for (const chunk of chunks.values()) {
      if (!chunk.commonJs) continue;
      if (chunk.imports.some((i) => !i.external && i.kind === 'import-statement' && chunks.get(i.name)?.commonJs === false)) {
        chunk.commonJs = false;
        changed = true;
      }
    }
  }

  for (const chunk of chunks.values()) {
    let source = chunk.source;
    for (const target of new Set(chunk.imports.filter((i) => !i.external && chunks.get(i.name)?.commonJs).map((i) => i.name))) {
      const cjsName = target.replace(/\.js$/, '.cjs');
      // A CommonJS chunk loads another with require (no trip through the ES module loader).
      if (chunk.commonJs) source = source.split(`import("./${target}")`).join(`Promise.resolve().then(()=>require("./${cjsName}"))`);
      source = source.split(`"./${target}"`).join(`"./${cjsName}"`);
    }
    if (!chunk.commonJs) {
      writeFileSync(join(outdir, chunk.name), source);
      continue;
    }
    if (!source.startsWith(ESM_REQUIRE_BANNER)) throw new Error(`${chunk.name}: the require banner is missing`);
    source = source.slice(ESM_REQUIRE_BANNER.length);
    const usesModuleUrl = source.includes('import.meta.url');
    const result = await transform(source, { ...COMMONJS_OPTIONS, banner: usesModuleUrl ? COMMONJS_BANNER : '' });
    if (result.code.includes('import.meta')) throw new Error(`${chunk.name}: import.meta left in a CommonJS chunk`);
    writeFileSync(join(outdir, chunk.name.replace(/\.js$/, '.cjs')), settleFunctionExports(result.code));
    rmSync(join(outdir, chunk.name));
  }
  const entry = chunks.get(`${entryName}.js`);
  if (!entry.commonJs) return `${entryName}.js`;
  packChunks(outdir, chunks, entry);
  return `${entryName}.cjs`;
}

/**
 * Packs the CommonJS chunks into few files: requiring a file costs a path resolution (stats, a
 * package scope lookup), a read and a compilation, some 0.4 ms each, and a produce needs forty
 * chunks. The entry's file (spool.cjs) carries every chunk it requires at start; each chunk that
 * is imported dynamically (a command's action) gets a pack, NAME.pack.cjs, with the chunks it
 * requires that start-up has not loaded. A chunk may sit in several packs (the client in produce's
 * and consume's): it still runs once, because a pack evaluates a chunk into a module registered
 * in require.cache under the chunk's own file name, and every pack looks there first. The chunk's
 * file becomes a stub that hands over that module, for whatever requires or imports it by name
 * (an ES module chunk); it keeps the chunk's export names for Node's CommonJS lexer.
 */
function packChunks(outdir, chunks, entry) {
  const cjsName = (name) => name.replace(/\.js$/, '.cjs');
  const closure = (root) => {
    const members = new Set([root.name]);
    const visit = (chunk) => {
      for (const i of chunk.imports) {
        const target = chunks.get(i.name);
        if (i.external || i.kind !== 'import-statement' || !target?.commonJs || members.has(target.name)) continue;
        members.add(target.name);
        visit(target);
      }
    };
    visit(root);
    return members;
  };
  const startMembers = closure(entry);
  startMembers.delete(entry.name);
  const packs = [{ file: cjsName(entry.name), members: [...startMembers] }];
  const dynamicTargets = new Set();
  for (const chunk of chunks.values()) {
    for (const i of chunk.imports) if (!i.external && i.kind === 'dynamic-import' && chunks.get(i.name)?.commonJs) dynamicTargets.add(i.name);
  }
  for (const name of [...dynamicTargets].sort()) {
    if (startMembers.has(name) || name === entry.name) continue;
    packs.push({ file: cjsName(name).replace(/\.cjs$/, '.pack.cjs'), members: [...closure(chunks.get(name))].filter((m) => !startMembers.has(m)) });
  }

  const sources = new Map();
  for (const pack of packs) for (const name of pack.members) if (!sources.has(name)) sources.set(name, readFileSync(join(outdir, cjsName(name)), 'utf8'));
  const cjsChunkNames = [...chunks.values()].filter((c) => c.commonJs).map((c) => cjsName(c.name));
  const packOf = new Map(packs.slice(1).map((pack) => [pack.file.replace(/\.pack\.cjs$/, '.cjs'), pack.file]));
  const localRequires = (source) => {
    // An action's chunk is loaded from its pack (not through its stub: one file less to read),
    // compiled from its code cache.
    for (const [name, pack] of packOf) {
      source = source.split(`Promise.resolve().then(()=>require("./${name}"))`).join(`Promise.resolve().then(()=>__spoolPack("${pack}").__spoolChunk("${name}"))`);
    }
    for (const name of cjsChunkNames) source = source.split(`require("./${name}")`).join(`__spoolChunk("${name}")`);
    // Packs run compiled by bin/code-cache.cjs (vm.Script), whose own import() has no loader.
    return source.replace(/\bimport\(("[^"]+")\)/g, '__spoolImport($1)');
  };
  const homes = new Map();
  for (const pack of packs) {
    const factories = pack.members.map(
      (name) => `${JSON.stringify(cjsName(name))}:function(exports,require,module,__filename,__dirname){${localRequires(sources.get(name))}\n}`,
    );
    const header = `'use strict';\nconst __spoolFactories={${factories.join(',\n')}};\n${CHUNK_LOADER}\n`;
    const file = join(outdir, pack.file);
    const body = pack.file === cjsName(entry.name) ? localRequires(readFileSync(file, 'utf8')) : '';
    if (/\bimport\(/.test(factories.join('') + body)) throw new Error(`${pack.file}: an import() with no string literal; bin/code-cache.cjs cannot load it`);
    writeFileSync(file, `${header}${body}\nmodule.exports.__spoolChunk=__spoolChunk;\n`);
    for (const name of pack.members) if (!homes.has(name)) homes.set(name, pack.file);
  }
  for (const [name, home] of homes) {
    const exportNames = /0&&\(module\.exports=\{[^}]*\}\);?\s*$/.exec(sources.get(name))?.[0] ?? '';
    writeFileSync(
      join(outdir, cjsName(name)),
      `// Packed into ${home} (scripts/commonjs-chunks.mjs).\nconst pack=require("./${home}");module.exports=pack.__spoolChunk(${JSON.stringify(cjsName(name))});\n${exportNames}\n`,
    );
  }
}

/**
 * A pack's loader: the chunk's module once this pack has it (a chunk is asked for by every chunk
 * that imports it: no path work then), or from require.cache when a pack made it, else evaluated
 * from this pack's factory (replacing a stub's module being loaded), else the chunk's own file.
 * Another pack loads through the launchers' bin/code-cache.cjs (three directories up, as
 * dist/bundle/cli sits in the package).
 */
const CHUNK_LOADER = `const __spoolOwn=Symbol.for('spool.chunk'),__spoolLoaded=new Map(),__spoolDir=require('node:path').join(__dirname,'_').slice(0,-1);
function __spoolImport(specifier){return require('../../../bin/code-cache.cjs').dynamicImport(__dirname,specifier)}
function __spoolPack(file){return require('../../../bin/code-cache.cjs').requireWithCodeCache(__spoolDir+file)}
function __spoolChunk(name){const known=__spoolLoaded.get(name);if(known!==void 0)return known.exports;const filename=__spoolDir+name;const cached=require.cache[filename];if(cached?.[__spoolOwn]){__spoolLoaded.set(name,cached);return cached.exports}const factory=__spoolFactories[name];if(factory===void 0)return require('./'+name);const chunk=new(require('node:module'))(filename,module);chunk.filename=filename;chunk.paths=module.paths;chunk[__spoolOwn]=!0;require.cache[filename]=chunk;__spoolLoaded.set(name,chunk);factory.call(chunk.exports,chunk.exports,require,chunk,filename,__dirname);chunk.loaded=!0;return chunk.exports}`;

/**
 * esbuild's CommonJS output exports through two getters per name (ES module live bindings): the
 * one __export defines, and the one __toCommonJS copies it into, `() => from[key]`, a keyed load
 * that every export shares and so turns megamorphic. Every call of another chunk's function then
 * pays a generic property lookup: a tenth of a produce's CPU went to it, in the varint writers
 * called per record. A function's or class's declared binding never changes (this checks that
 * nothing assigns it), so once the chunk has run, its module's exports are replaced by an object
 * where those names are plain values; other exports keep their getters. A chunk that requires
 * this one while it is still running (a cycle) keeps the first object: right, only slower.
 */
export function settleFunctionExports(code) {
  const exported = /__export\(\w+,\{([^}]*)\}\)/.exec(code);
  if (exported === null) return code;
  const settled = [];
  for (const entry of exported[1].split(',')) {
    const match = /^("?)([\w$]+)\1:\(\)=>([\w$]+)$/.exec(entry);
    if (match === null) continue;
    const [, , name, local] = match;
    const declared = new RegExp(`(^|[^\\w$.])(function\\*? ?${escapeRegExp(local)}\\(|class ${escapeRegExp(local)}[ {])`).test(code);
    const assigned = new RegExp(`(^|[^\\w$.])${escapeRegExp(local)}(=[^=>]|\\+\\+|--|[-+*/%&|^]=)`).test(code);
    if (declared && !assigned) settled.push(name);
  }
  if (settled.length === 0) return code;
  const settle =
    `;((e,n)=>{const o={};for(const k of Object.getOwnPropertyNames(e)){const d=Object.getOwnPropertyDescriptor(e,k);` +
    `Object.defineProperty(o,k,n.includes(k)?{value:e[k],enumerable:!0}:d)}module.exports=o})(module.exports,${JSON.stringify(settled)});\n`;
  // Before esbuild's closing annotation of the export names, which must stay last for Node's
  // CommonJS lexer (and for the stubs that copy it).
  const annotation = /0&&\(module\.exports=\{[^}]*\}\);?\s*$/.exec(code);
  return annotation === null ? code + settle : code.slice(0, annotation.index) + settle + code.slice(annotation.index);
}

const escapeRegExp = (text) => text.replace(/[$]/g, '\\$&');

/** esbuild refuses what CommonJS cannot express (a top-level await). */
async function transformsToCommonJs(source) {
  try {
    await transform(source, { format: 'cjs', platform: 'node', target: 'node20', logLevel: 'silent' });
    return true;
  } catch {
    return false;
  }
}
