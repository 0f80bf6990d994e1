// The Testing view and the report, as a person sees them: Playwright in headless Debian Chromium against
// code-server with the extension linked from the repo root, and the OpenAI-compatible test server (its
// simulated model acts against its values on the variants in `divergingVariants`, follows them
// elsewhere) as the provider. Runs a scenario from the Testing view, checks the pass and fail icons,
// opens the report from the Testing view's context menu and counts the bars its SVG draws against the
// run log on disk, reloads the window and finds the report restored; then opens a second code-server
// in Restricted Mode and checks that the language features work and that nothing reaches the model.
// Screenshots go to test-results/screenshots/. Prints `N passed, N failed` last.
// Usage: CODE_SERVER=.../code-server node test/e2e/testing.e2e.mjs   (build first; npm test does)
import path from 'node:path';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { startCodeServer, launchBrowser, openWorkbench, prepareWorkspace, repoRoot, log, watchdog, until, checks, expect, startSimServer, escaped, finish } from './lib.mjs';

watchdog(420);
const require = createRequire(import.meta.url);
const shotDir = path.join(repoRoot, 'test-results', 'screenshots');
fs.mkdirSync(shotDir, { recursive: true });
const { check, counts } = checks();
const EXAMPLE = 'school-records.dilemma.yaml';

/** Runs a command from the palette by its title. */
async function palette(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 20_000 });
  await row.click(); // the row itself: Enter would run whichever row the list had focused before it filtered
}

/** The Testing view's row of a test item, by its label. */
const testRow = (page, label) => page.locator('.test-explorer .monaco-list-row', { hasText: label }).first();
/** The result icon a row shows: passed, failed, errored, skipped... or undefined while none. */
const rowState = (row) => row.evaluate((el) => {
  const icon = el.querySelector('.codicon[class*="codicon-testing-"][class*="-icon"]');
  const m = icon && /codicon-testing-(passed|failed|error|skipped|queued|unset|run)-icon/.exec(icon.className);
  return m ? m[1] : undefined;
});

/** The report webview's frame once its script has drawn the charts (body[data-rendered]). */
async function reportFrame(page) {
  return until(async () => {
    for (const f of page.frames()) {
      const ok = await f.evaluate(() => document.body?.dataset.rendered === 'true' && !!document.getElementById('report')).catch(() => false);
      if (ok) return f;
    }
    return undefined;
  }, { timeout: 30_000, what: 'the report webview to draw its charts' });
}

/** In the page: whether any of the workbench's IndexedDB stores holds the report webview's saved state. */
async function savedReportState(logName) {
  for (const { name } of await indexedDB.databases()) {
    const db = await new Promise((res, rej) => { const r = indexedDB.open(name); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    try {
      for (const store of db.objectStoreNames) {
        const values = await new Promise((res, rej) => { const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
        if (values.some((v) => typeof v === 'string' && v.includes('dilemmaLens.report') && v.includes(logName))) return true;
      }
    } finally {
      db.close();
    }
  }
  return false;
}

/** What the report should draw, counted from the run log on disk (not from the extension's analysis). */
function expectedFromLog(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const header = lines.find((l) => l.kind === 'run');
  const sessions = lines.filter((l) => l.kind === 'session');
  const bars = new Set(sessions.filter((s) => s.action?.status === 'ok').map((s) => `${s.model}|${s.variant}|${s.action.choice ?? s.action.score}`));
  const pairs = new Set(sessions.map((s) => `${s.model}|${s.variant}`));
  return { runId: header.runId, bars: bars.size, pairs: pairs.size, models: new Set(sessions.map((s) => s.model)).size };
}

try {
  for (const f of ['dist/extension.js', 'out/test/support/openaiServer.js']) {
    if (!fs.existsSync(path.join(repoRoot, f))) throw new Error(`${f} is missing: build first (npm test does)`);
  }
  const { parseScenario } = require(path.join(repoRoot, 'out', 'src', 'core', 'scenario', 'parse.js'));
  const sim = await startSimServer();
  const { folder } = prepareWorkspace();
  const scenario = parseScenario(fs.readFileSync(path.join(folder, EXAMPLE), 'utf8')).scenario;
  const variants = scenario.variants.map((v) => v.name);
  const server = await startCodeServer({
    folder, extensionFolder: repoRoot,
    settings: { 'dilemmaLens.providers': [{ id: 'sim', baseUrl: sim.server.url, models: [sim.model], apiKeyRequired: false }] },
  });
  const ctx = await launchBrowser();
  const page = ctx.pages()[0] ?? await ctx.newPage();

  await check('workbench opens the scenario folder and the model is picked', async () => {
    await openWorkbench(page, server.url, folder);
    await page.getByRole('treeitem', { name: EXAMPLE }).click();
    await page.locator('.statusbar-item', { hasText: 'Dilemma Scenario' }).first().waitFor({ timeout: 30_000 });
    await palette(page, 'Dilemma Lens: Pick Model');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: sim.model }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    await page.locator('.statusbar-item', { hasText: `sim/${sim.model}` }).first().waitFor({ timeout: 20_000 });
  });

  await check('the Testing view lists the scenario and, expanded, its variants', async () => {
    await palette(page, 'Testing: Focus on Test Explorer View');
    const row = testRow(page, scenario.id);
    await row.waitFor({ timeout: 30_000 });
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
    for (const v of variants) await testRow(page, v).waitFor({ timeout: 20_000 });
  });

  let logFile;
  await check('running the scenario from the Testing view shows a fail icon on the diverging variant and pass icons on the others', async () => {
    const row = testRow(page, scenario.id);
    await row.hover();
    await row.locator('.action-label[aria-label="Run Test"], .action-label.codicon-testing-run-icon').first().click();
    // the simulated model's design, not the extension, says which variant fails
    const want = Object.fromEntries(variants.map((v) => [v, sim.divergingVariants.includes(v) ? 'failed' : 'passed']));
    expect(Object.values(want).includes('failed') && Object.values(want).includes('passed'), `the example needs both outcomes: ${JSON.stringify(want)}`);
    const got = await until(async () => {
      const s = {};
      for (const v of variants) s[v] = await rowState(testRow(page, v));
      return Object.values(s).every((x) => x === 'passed' || x === 'failed' || x === 'error') ? s : undefined;
    }, { timeout: 120_000, interval: 250, what: 'every variant to show a result icon' });
    log('variant icons:', JSON.stringify(got));
    expect(JSON.stringify(got) === JSON.stringify(want), `icons ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    expect(await rowState(testRow(page, scenario.id)) === 'failed', 'the scenario row shows the fail icon');
    await page.screenshot({ path: path.join(shotDir, 'testing-view.png') });
    const runs = path.join(folder, '.dilemma', 'runs', scenario.id);
    const logs = fs.readdirSync(runs).filter((f) => f.endsWith('.jsonl')).sort();
    expect(logs.length === 1, `one run log in ${runs}: ${logs.join(', ')}`);
    logFile = path.join(runs, logs[0]);
  });

  let bars;
  await check('"Open Report" in the Testing view\'s context menu draws one SVG bar per model, variant and action of the run log', async () => {
    expect(logFile, 'no run log from the previous check');
    const want = expectedFromLog(logFile);
    await testRow(page, scenario.id).click({ button: 'right' });
    const item = page.getByRole('menuitem', { name: 'Open Report' }).first();
    await item.waitFor({ timeout: 20_000 });
    await item.hover();
    await item.click();
    const frame = await reportFrame(page);
    const drawn = await frame.evaluate(() => ({
      actions: document.querySelectorAll('#actions svg rect.bar.action').length,
      divergenceRows: document.querySelectorAll('#divergence svg circle.point').length + document.querySelectorAll('#divergence svg text.note').length,
      status: document.getElementById('status')?.textContent ?? '',
      sections: [...document.querySelectorAll('main section')].map((s) => s.id),
    }));
    log('report:', JSON.stringify(drawn), 'expected', JSON.stringify(want));
    expect(drawn.actions === want.bars, `${drawn.actions} action bars, the run log has ${want.bars} model x variant x action combinations`);
    expect(drawn.divergenceRows === want.pairs + want.models, `${drawn.divergenceRows} divergence rows, expected ${want.pairs} model x variant + ${want.models} pooled`);
    expect(drawn.status.includes(want.runId), `the report names run ${want.runId}: ${drawn.status}`);
    for (const s of ['actions', 'divergence', 'profiles', 'paths', 'vaar', 'sem', 'asserts']) expect(drawn.sections.includes(s), `no ${s} section in ${drawn.sections}`);
    bars = drawn.actions;
    await page.screenshot({ path: path.join(shotDir, 'report-beside-tests.png') });
    // the report alone, as the docs show it
    await palette(page, 'Maximize Editor Group');
    await until(async () => (await page.locator('.part.editor .editor-group-container').count()) > 0 && await frame.evaluate(() => window.innerWidth > 900), { what: 'the report to fill the editor area' });
    await page.screenshot({ path: path.join(shotDir, 'report-panel.png') });
  });

  await check('after a reload of the window the report reopens from its run log', async () => {
    expect(bars, 'no report from the previous check');
    // A restart restores what the workbench has saved: wait until its state store holds the report's
    // webview state (the run log path), as a window closed at that moment would have it.
    await until(() => page.evaluate(savedReportState, path.basename(logFile)), { timeout: 120_000, interval: 500, what: 'the workbench to save the report panel\'s state' });
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // the restored tab, as a person would bring it to the front
    const tab = page.locator('.tabs-container .tab', { hasText: `Report: ${scenario.id}` }).first();
    await tab.waitFor({ timeout: 60_000 });
    await tab.click();
    const frame = await reportFrame(page);
    const again = await frame.evaluate(() => document.querySelectorAll('#actions svg rect.bar.action').length);
    expect(again === bars, `${again} bars after the reload, ${bars} before`);
  });

  // Restricted Mode: a second code-server with Workspace Trust on; the folder is not trusted.
  await cleanupFirst(server, ctx);
  const sim2 = await startSimServer();
  const { folder: folder2 } = prepareWorkspace();
  const server2 = await startCodeServer({
    folder: folder2, extensionFolder: repoRoot, trust: true,
    settings: { 'security.workspace.trust.startupPrompt': 'never', 'dilemmaLens.providers': [{ id: 'sim', baseUrl: sim2.server.url, models: [sim2.model], apiKeyRequired: false }] },
  });
  const ctx2 = await launchBrowser();
  const page2 = ctx2.pages()[0] ?? await ctx2.newPage();

  await check('in Restricted Mode the problems still show, and a run sends nothing to the model', async () => {
    try {
      await restricted();
    } catch (e) {
      await page2.screenshot({ path: path.join(shotDir, 'restricted-mode-failure.png') }).catch(() => {});
      throw e;
    }
  });
  async function restricted() {
    await openWorkbench(page2, server2.url, folder2);
    await page2.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30_000 });
    await page2.getByRole('treeitem', { name: 'broken.dilemma.yaml' }).click();
    await page2.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 30_000 });
    await page2.getByRole('treeitem', { name: EXAMPLE }).click();
    await page2.locator('.statusbar-item', { hasText: 'Dilemma Scenario' }).first().waitFor({ timeout: 30_000 });
    await palette(page2, 'Dilemma Lens: Run Scenario');
    const note = page2.locator('.notifications-toasts .notification-toast', { hasText: 'untrusted workspace' }).first();
    await note.waitFor({ timeout: 20_000 });
    expect(await note.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).count() > 0, 'the message offers to manage trust');
    await page2.screenshot({ path: path.join(shotDir, 'restricted-mode-run.png') });
    expect(sim2.server.requests.length === 0, `${sim2.server.requests.length} request(s) reached the model`);
    expect(!fs.existsSync(path.join(folder2, '.dilemma', 'runs')), 'a run log was written');
  }
} catch (e) {
  escaped(counts, e);
} finally {
  await finish(counts);
}

/** Stops the first code-server and browser early, so that two never share the machine's two cores. */
async function cleanupFirst(server, ctx) {
  await ctx.close().catch(() => {});
  await server.stop();
}
