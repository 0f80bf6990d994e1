// Three bundles: the editor's (vscode is provided by the host), the CLI's and the arbiter library's (no vscode at all).
const esbuild = require('esbuild');

const fs = require('fs');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const bench = process.argv.includes('--bench');

/**
 * The `yaml` parser reads `process.env.LOG_TOKENS` once per token and its composer
 * `process.env.LOG_STREAM` once per document: each read is a getenv through Node's environment
 * interceptor, about a sixth of the parse time of a large scenario. Those are debug switches of the
 * yaml package's own; the bundles fix them to off.
 */
const yamlWithoutEnvLookups = {
  name: 'yaml-without-env-lookups',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]yaml[\\/]dist[\\/].*\.js$/ }, async (args) => {
      const text = await fs.promises.readFile(args.path, 'utf8');
      return { contents: text.replace(/node_process\.env\.LOG_(TOKENS|STREAM)/g, 'false'), loader: 'js' };
    });
  },
};

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  plugins: [yamlWithoutEnvLookups],
};

async function main() {
  const builds = [
    { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
    // The CLI must never pull in vscode: leaving it unresolved makes the build fail if it tries.
    { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
    // `dilemma-lens/arbiter` (package.json exports): the arbiter as a library, no vscode either.
    { ...common, entryPoints: ['src/lib/arbiter.ts'], outfile: 'dist/arbiter.js' },
  ];
  // The validate benchmark measures the parser as it ships: bundled the same way.
  if (bench) builds.splice(0, builds.length, { ...common, entryPoints: ['bench/validate.ts'], outfile: 'out/bench/validate.bundle.js' });
  if (watch) {
    for (const b of builds) await (await esbuild.context(b)).watch();
    return;
  }
  await Promise.all([...builds.map((b) => esbuild.build(b)), ...(bench ? [] : [arbiterTypes()])]);
}

/**
 * The library's type declarations: tsc emits them for src/lib/arbiter.ts and what it imports into
 * dist/types, and dist/arbiter.d.ts re-exports them (package.json `exports` points `types` there).
 */
function arbiterTypes() {
  return new Promise((resolve, reject) => {
    const tsc = require('child_process').spawn(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.lib.json'], { stdio: 'inherit' });
    tsc.on('error', reject);
    tsc.on('close', (code) => {
      if (code !== 0) return reject(new Error(`tsc -p tsconfig.lib.json exited with ${code}`));
      fs.writeFileSync('dist/arbiter.d.ts', "export * from './types/lib/arbiter';\n");
      resolve();
    });
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
