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
import { startCodeServer, launchBrowser, openWorkbench, prepareWorkspace, repoRoot, log, watchdog, until, checks, expect, startSimServer, escaped, finish,
  bound, retrying, runCommand, pickQuickItem, quickRow, openFromExplorer, reloadWorkbench, clickUntil, shown, prerequisite } from './lib.mjs';

watchdog(420);
const require = createRequire(import.meta.url);
const shotDir = path.join(repoRoot, 'test-results', 'screenshots');
fs.mkdirSync(shotDir, { recursive: true });
const { check, counts } = checks();
const EXAMPLE = 'school-records.dilemma.yaml';

const visible = (locator) => locator.isVisible().catch(() => false);

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
  }, { what: 'the report webview to draw its charts' });
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

  // What the checks below build on, made once (see `prerequisite`): a check that needs an earlier one's
  // result says so when that failed, instead of failing on its side effect.
  const statusModel = page.locator('.statusbar-item', { hasText: `sim/${sim.model}` }).first();
  const picked = prerequisite('the workbench open with the model picked', async () => {
    await openWorkbench(page, server.url, folder);
    await openFromExplorer(page, EXAMPLE);
    await shown(page.locator('.statusbar-item', { hasText: 'Dilemma Scenario' }).first());
    await runCommand(page, 'Dilemma Lens: Pick Model', { done: () => visible(quickRow(page, sim.model)) });
    await pickQuickItem(page, sim.model);
    await shown(statusModel);
  });
  await check('workbench opens the scenario folder and the model is picked', picked);

  const listed = prerequisite('the Testing view listing the scenario\'s variants', async () => {
    await picked();
    const row = testRow(page, scenario.id);
    await runCommand(page, 'Testing: Focus on Test Explorer View', { done: () => visible(row), repeat: true });
    // the twistie toggles: click it only while the row says it is collapsed
    await retrying('the scenario\'s row to expand', async () => {
      if ((await row.getAttribute('aria-expanded', { timeout: bound(5_000) })) === 'false') await row.locator('.monaco-tl-twistie').click({ timeout: bound(5_000) });
    }, async () => {
      for (const v of variants) if (!(await visible(testRow(page, v)))) return false;
      return true;
    });
  });
  await check('the Testing view lists the scenario and, expanded, its variants', listed);

  const runsDir = path.join(folder, '.dilemma', 'runs', scenario.id);
  const runLogs = () => (fs.existsSync(runsDir) ? fs.readdirSync(runsDir).filter((f) => f.endsWith('.jsonl')).sort() : []);
  const ran = prerequisite('the run started from the Testing view', async () => {
    await listed();
    const row = testRow(page, scenario.id);
    // The row's Run action shows while the mouse is over the row. A click that took starts the run, whose
    // log is written first, or gives the variants their first state (queued, running): only while
    // neither shows is the action clicked again (a second run would be refused as "already running").
    await retrying('the Testing view\'s Run Test to start a run', async () => {
      await row.hover({ timeout: bound(5_000) });
      await row.locator('.action-label[aria-label="Run Test"], .action-label.codicon-testing-run-icon').first().click({ timeout: bound(5_000) });
    }, async () => runLogs().length > 0 || (await rowState(testRow(page, variants[0])).catch(() => undefined)) !== undefined,
    { settle: bound(15_000), tries: 3, reset: () => page.mouse.move(0, 0) });
    const got = await until(async () => {
      const s = {};
      for (const v of variants) s[v] = await rowState(testRow(page, v));
      return Object.values(s).every((x) => x === 'passed' || x === 'failed' || x === 'error') ? s : undefined;
    }, { timeout: bound(120_000), interval: 250, what: 'every variant to show a result icon' });
    const logs = runLogs();
    expect(logs.length === 1, `one run log in ${runsDir}: ${logs.join(', ')}`);
    return { got, logFile: path.join(runsDir, logs[0]) };
  });
  await check('running the scenario from the Testing view shows a fail icon on the diverging variant and pass icons on the others', async () => {
    // the simulated model's design, not the extension, says which variant fails
    const want = Object.fromEntries(variants.map((v) => [v, sim.divergingVariants.includes(v) ? 'failed' : 'passed']));
    expect(Object.values(want).includes('failed') && Object.values(want).includes('passed'), `the example needs both outcomes: ${JSON.stringify(want)}`);
    const { got } = await ran();
    log('variant icons:', JSON.stringify(got));
    expect(JSON.stringify(got) === JSON.stringify(want), `icons ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    expect(await until(async () => (await rowState(testRow(page, scenario.id))) === 'failed').catch(() => false), 'the scenario row shows the fail icon');
    await page.screenshot({ path: path.join(shotDir, 'testing-view.png') });
  });

  const reported = prerequisite('the report opened from the Testing view', async () => {
    const { logFile } = await ran();
    const row = testRow(page, scenario.id);
    const item = page.getByRole('menuitem', { name: 'Open Report' }).first();
    // right-click until the context menu offers the item, then pick it until the menu has closed
    await retrying('the Testing view\'s context menu', () => row.click({ button: 'right', timeout: bound(5_000) }), () => visible(item),
      { reset: () => page.keyboard.press('Escape') });
    await retrying('"Open Report" to be picked', async () => { await item.hover({ timeout: bound(5_000) }); await item.click({ timeout: bound(5_000) }); },
      async () => !(await visible(item)), { tries: 3 });
    return { logFile, frame: await reportFrame(page) };
  });
  await check('"Open Report" in the Testing view\'s context menu draws one SVG bar per model, variant and action of the run log', async () => {
    const { logFile, frame } = await reported();
    const want = expectedFromLog(logFile);
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
    await page.screenshot({ path: path.join(shotDir, 'report-beside-tests.png') });
    // the report alone, as the docs show it
    await runCommand(page, 'Maximize Editor Group and Hide Side Bars', { done: () => frame.evaluate(() => window.innerWidth > 900), repeat: true });
    await page.screenshot({ path: path.join(shotDir, 'report-panel.png') });
  });

  await check('after a reload of the window the report reopens from its run log', async () => {
    const { logFile, frame: before } = await reported();
    const bars = await before.evaluate(() => document.querySelectorAll('#actions svg rect.bar.action').length);
    // A restart restores what the workbench has saved: wait until its state store holds the report's
    // webview state (the run log path), as a window closed at that moment would have it.
    await until(() => page.evaluate(savedReportState, path.basename(logFile)), { timeout: bound(120_000), interval: 500, what: 'the workbench to save the report panel\'s state' });
    // the restored tab, as a person would bring it to the front (the side bars stay hidden, as they were)
    const tab = page.locator('.tabs-container .tab', { hasText: `Report: ${scenario.id}` }).first();
    await reloadWorkbench(page, { ready: () => tab.isVisible() });
    await clickUntil(page, 'the restored report\'s tab to be the active one', tab, async () => (await tab.getAttribute('class'))?.includes('active'));
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
    await shown(page2.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first());
    await openFromExplorer(page2, 'broken.dilemma.yaml');
    await shown(page2.locator('.monaco-editor .squiggly-error').first());
    await openFromExplorer(page2, EXAMPLE);
    await shown(page2.locator('.statusbar-item', { hasText: 'Dilemma Scenario' }).first());
    // running again is harmless here (nothing may reach the model either way), so the command is
    // repeated until its message shows
    const note = page2.locator('.notifications-toasts .notification-toast', { hasText: 'untrusted workspace' }).first();
    await runCommand(page2, 'Dilemma Lens: Run Scenario', { done: () => visible(note), repeat: true });
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
