// One activation sample for bench/editor.ts, in a fresh process: resolves `vscode` to a stub whose every
// property is a callable, constructible stand-in returning disposables and events, then times
// `require(bundle)` + `await activate(context)` and prints {"ms": ...}. Usage: node activate.js dist/extension.js
'use strict';
const Module = require('node:module');
const { performance } = require('node:perf_hooks');

/** A stand-in for any vscode API value: callable, constructible, iterable, thenable-free, disposable. */
function stub(name) {
  const target = function () {};
  return new Proxy(target, {
    get(_t, prop) {
      if (prop === 'then') return undefined; // not a promise
      if (prop === Symbol.iterator) return function* () {};
      if (prop === Symbol.toPrimitive) return () => name;
      if (prop === 'dispose') return () => {};
      if (prop === 'isTrusted') return true;
      if (prop === 'workspaceFolders' || prop === 'textDocuments' || prop === 'visibleTextEditors') return [];
      if (prop === 'get') return (_k, d) => d;
      return stub(`${name}.${String(prop)}`);
    },
    set() { return true; },
    apply() { return stub(`${name}()`); },
    construct() { return stub(`new ${name}`); },
    // esbuild's __toESM builds the namespace on the module's prototype: let every name resolve there too
    getPrototypeOf() { return new Proxy({}, { get: (_t, prop) => (prop === 'then' ? undefined : stub(`${name}.${String(prop)}`)) }); },
  });
}

const vscode = stub('vscode');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };

const context = { subscriptions: [], extensionUri: stub('extensionUri'), extensionPath: process.cwd(), globalState: stub('globalState'), workspaceState: stub('workspaceState'), secrets: stub('secrets'), extension: stub('extension') };
(async () => {
  const t = performance.now();
  const ext = require(require('node:path').resolve(process.argv[2]));
  await ext.activate(context);
  const ms = performance.now() - t;
  process.stdout.write(JSON.stringify({ ms, subscriptions: context.subscriptions.length }));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
