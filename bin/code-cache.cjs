// Loads a CommonJS bundle of dist/bundle (an entry, or a command's pack of chunks) as require()
// would, but compiled from the V8 code cache that `npm run build` took from a real run of it
// (scripts/code-caches.mjs): the process then
// starts without parsing and compiling the bundle again, nor the functions that run had compiled.
// The module is registered in require.cache under the bundle's name, as require() does, so that
// what requires it later gets this instance. A cache that does not fit this Node (another version
// or other V8 flags) is ignored by V8, and the bundle compiles as usual.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

exports.requireWithCodeCache = function requireWithCodeCache(filename) {
  const loaded = require.cache[filename];
  if (loaded !== undefined) return loaded.exports;
  const cachePath = `${filename}.cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cachePath);
  } catch {
    cachedData = undefined;
  }
  const directory = dirname(filename);
  const script = new Script(Module.wrap(readFileSync(filename, 'utf8')), { filename, cachedData });
  // The build asks for the caches: written at exit, each holds every function the run compiled.
  if (process.env.SPOOL_WRITE_CODE_CACHE === '1') process.once('exit', () => writeFileSync(cachePath, script.createCachedData()));
  const bundle = new Module(filename, module);
  bundle.filename = filename;
  bundle.paths = Module._nodeModulePaths(directory);
  require.cache[filename] = bundle;
  script.runInThisContext()(bundle.exports, Module.createRequire(filename), bundle, filename, directory);
  bundle.loaded = true;
  return bundle.exports;
};

/**
 * import() for code compiled here: Node 20 gives a vm.Script's own import() no loader (short of an
 * experimental flag), so the bundles call this one (scripts/commonjs-chunks.mjs rewrites them),
 * a chunk's relative path made absolute; bin/ and the bundle share node_modules.
 */
exports.dynamicImport = function dynamicImport(directory, specifier) {
  return import(specifier.startsWith('.') ? pathToFileURL(join(directory, specifier)).href : specifier);
};
