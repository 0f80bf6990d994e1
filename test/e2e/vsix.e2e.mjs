// The package people install: `npm run package` builds the VSIX with @vscode/vsce, its file list holds
// only what the extension reads at run time, and it installs into a fresh code-server with
// `--install-extension` and activates there (the file gets the Dilemma language and its problems).
// Restores the development build of dist/ afterwards (packaging makes a production one).
// Usage: CODE_SERVER=.../code-server node test/e2e/vsix.e2e.mjs
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { execFileSync, spawnSync } from 'node:child_process';
import { startCodeServer, launchBrowser, openWorkbench, prepareWorkspace, repoRoot, log, onCleanup, watchdog, checks, expect, escaped, finish, openFromExplorer, shown } from './lib.mjs';

watchdog(300);
const shotDir = path.join(repoRoot, 'test-results', 'screenshots');
fs.mkdirSync(shotDir, { recursive: true });
const { check, counts } = checks();
const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

/** What the installed extension reads, and nothing else: exact files, or folders whose every file may ship. */
const REQUIRED = ['dist/extension.js', 'package.json', 'readme.md', 'changelog.md', 'LICENSE.txt', 'language-configuration.json',
  'syntaxes/dilemma.tmLanguage.json', 'schemas/dilemma.schema.json', 'media/icon.png', 'media/report/report.js', 'media/report/report.css'];
const ALLOWED = [/^dist\/extension\.js$/, /^package\.json$/, /^readme\.md$/, /^changelog\.md$/, /^LICENSE\.txt$/, /^language-configuration\.json$/,
  /^syntaxes\/[\w.-]+\.json$/, /^schemas\/[\w.-]+\.json$/, /^media\/icon\.png$/, /^media\/report\/[\w.-]+\.(js|css)$/];

try {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dilemma-vsix-'));
  onCleanup(() => fs.rmSync(out, { recursive: true, force: true }));
  onCleanup(() => { execFileSync(process.execPath, ['esbuild.js'], { cwd: repoRoot }); }); // back to the development build
  let vsix;

  await check('npm run package writes dilemma-lens-<version>.vsix', async () => {
    const r = spawnSync('npm', ['run', '-s', 'package', '--', '--out', `${out}/`], { cwd: repoRoot, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm run package failed (${r.status}): ${(r.stderr || r.stdout).slice(-800)}`);
    vsix = path.join(out, `${pkg.name}-${pkg.version}.vsix`);
    expect(fs.existsSync(vsix), `no ${path.basename(vsix)} in ${fs.readdirSync(out).join(', ')}`);
    log(`${path.basename(vsix)}: ${(fs.statSync(vsix).size / 1024).toFixed(1)} KiB`);
  });

  await check('the VSIX holds only the runtime files', async () => {
    const listing = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('extension/') && !l.endsWith('/'));
    const files = listing.map((l) => l.slice('extension/'.length));
    log('files:', files.join(', '));
    const extra = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
    expect(extra.length === 0, `files that should not ship: ${extra.join(', ')}`);
    const missing = REQUIRED.filter((f) => !files.includes(f));
    expect(missing.length === 0, `missing: ${missing.join(', ')}`);
    // the production bundle (vscode:prepublish), not a development build with its source map
    const bundle = execFileSync('unzip', ['-p', vsix, 'extension/dist/extension.js'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(!/sourceMappingURL=/.test(bundle.slice(-200)), 'dist/extension.js in the VSIX is a development build (was dist/ rebuilt while packaging?)');
    const manifest = JSON.parse(execFileSync('unzip', ['-p', vsix, 'extension/package.json'], { encoding: 'utf8' }));
    expect(manifest.main === './dist/extension.js' && manifest.capabilities?.untrustedWorkspaces?.supported === 'limited', 'the packaged manifest lost its entry point or its trust capability');
  });

  await check('installed with --install-extension into a fresh code-server, it activates on a scenario file', async () => {
    expect(vsix, 'no VSIX from the first check');
    const { folder } = prepareWorkspace();
    const server = await startCodeServer({ folder, install: [vsix] });
    const installed = fs.readdirSync(server.dirs.ext).filter((d) => d.startsWith(`${pkg.publisher}.${pkg.name}-`));
    expect(installed.length === 1, `installed extension folder: ${fs.readdirSync(server.dirs.ext).join(', ')}`);
    expect(!fs.lstatSync(path.join(server.dirs.ext, installed[0])).isSymbolicLink(), 'the extension is a link to the repo, not the installed VSIX');
    const ctx = await launchBrowser();
    const page = ctx.pages()[0] ?? await ctx.newPage();
    await openWorkbench(page, server.url, folder);
    await openFromExplorer(page, 'broken.dilemma.yaml');
    await shown(page.locator('.statusbar-item', { hasText: 'Dilemma Scenario' }).first());
    // diagnostics come from the extension's own validator: only an activated extension draws them
    await shown(page.locator('.monaco-editor .squiggly-error').first());
    await page.screenshot({ path: path.join(shotDir, 'vsix-installed.png') });
  });
} catch (e) {
  escaped(counts, e);
} finally {
  await finish(counts);
}
