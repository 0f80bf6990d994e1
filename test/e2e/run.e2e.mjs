// What a person does to run a scenario: Playwright in headless Debian Chromium against code-server,
// the extension linked from the repo root, and the OpenAI-compatible test server (simulated
// respondent, started here) configured as a provider in user settings before code-server starts.
// Opens an example, picks the test server's model in the quick pick, clicks "Run scenario", waits
// for the summary lens, reads the after-text of the diverging variant, opens the divergence view and
// the compare view. Screenshots go to test-results/screenshots/. Prints `N passed, N failed` last.
// Build first (`npm run build && npm run compile-tests`; npm test does).
import path from 'node:path';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { startCodeServer, launchBrowser, openWorkbench, prepareWorkspace, repoRoot, log, watchdog, until, checks, expect, startSimServer, escaped, finish } from './lib.mjs';

watchdog(300);
const require = createRequire(import.meta.url);
const shotDir = path.join(repoRoot, 'test-results', 'screenshots');
fs.mkdirSync(shotDir, { recursive: true });
const { check, counts } = checks();
const nbsp = (s) => (s ?? '').replace(/\u00a0/g, ' ');
const EXAMPLE = 'school-records.dilemma.yaml';

/** Decoration `before`/`after` content containing `text`, with the editor line it sits on. */
async function decorationsWithText(page, text) {
  return page.evaluate((text) => {
    const hits = [];
    for (const el of document.querySelectorAll('.monaco-editor .view-lines span')) {
      for (const pseudo of ['::before', '::after']) {
        const c = getComputedStyle(el, pseudo).content;
        if (c && c !== 'none' && c.includes(text)) {
          hits.push({ pseudo, content: c, line: el.closest('.view-line')?.textContent.replace(/\u00a0/g, ' '), color: getComputedStyle(el, pseudo).color });
        }
      }
    }
    return hits;
  }, text);
}

/** Scrolls the active editor to a 1-based line (Go to Line), so its lenses and decorations are rendered. */
async function goToLine(page, line) {
  const input = page.locator('.quick-input-widget input.input');
  // Ctrl+G goes to whatever has focus, and a tab click can land before its editor takes it (one CI
  // run timed out here): press again until Go to Line's input is up, a bounded number of times.
  for (let attempt = 1; ; attempt++) {
    await page.locator('.tab', { hasText: EXAMPLE }).first().click();
    await page.keyboard.press('Control+G');
    if (await input.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false)) break;
    if (attempt === 5) throw new Error('Go to Line did not open after 5 tries');
  }
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
}

const lineOf = (text, needle) => text.split('\n').findIndex((l) => l.trim() === needle) + 1;

const lens = (page, text) => page.locator('.codelens-decoration a', { hasText: text }).first();

/** Runs a command from the palette by its title, then picks `item` in the quick pick it opens. */
async function paletteThenPick(page, title, item) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: item }).first();
  await row.waitFor({ timeout: 20_000 });
  await row.click();
}

try {
  for (const f of ['dist/extension.js', 'out/test/support/openaiServer.js']) {
    if (!fs.existsSync(path.join(repoRoot, f))) throw new Error(`${f} is missing: build first (npm test does)`);
  }
  const sim = await startSimServer();
  const model = `sim/${sim.model}`;
  const { folder } = prepareWorkspace();
  const server = await startCodeServer({
    folder, extensionFolder: repoRoot,
    settings: { 'dilemmaLens.providers': [{ id: 'sim', baseUrl: sim.server.url, apiKeyRequired: false }] },
  });
  const ctx = await launchBrowser();
  const page = ctx.pages()[0] ?? await ctx.newPage();
  const text = fs.readFileSync(path.join(folder, EXAMPLE), 'utf8');
  const { parseScenario } = require(path.join(repoRoot, 'out', 'src', 'core', 'scenario', 'parse.js'));
  const scenario = parseScenario(text).scenario;
  const diverging = scenario.variants.map((v) => v.name).find((n) => sim.divergingVariants.includes(n));

  await check('workbench opens the scenario folder', () => openWorkbench(page, server.url, folder));

  await check(`opening ${EXAMPLE} shows the run lenses`, async () => {
    await page.getByRole('treeitem', { name: EXAMPLE }).click();
    await until(async () => nbsp(await page.locator('.monaco-editor .view-lines').first().textContent()).includes(`dilemma: ${scenario.id}`), { what: `${EXAMPLE} in the editor` });
    await lens(page, '▶ Run scenario').waitFor({ timeout: 30_000 });
    await goToLine(page, lineOf(text, `- name: ${scenario.variants[1].name}`));
    await lens(page, '▶ Run variant').waitFor({ timeout: 30_000 });
    await goToLine(page, 1);
  });

  await check(`picks ${model} in the model quick pick`, async () => {
    await lens(page, '⇄').click();
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: sim.model }).first();
    await row.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(shotDir, 'run-model-picker.png') });
    await row.click();
    await lens(page, `▶ Run scenario · ${model}`).waitFor({ timeout: 20_000 });
    await page.locator('.statusbar-item', { hasText: model }).first().waitFor({ timeout: 20_000 });
  });

  let logFile;
  await check('"Run scenario" runs it and ends with a summary lens', async () => {
    await lens(page, '▶ Run scenario').click();
    const summary = page.locator('.codelens-decoration a', { hasText: /\d+\/\d+ aligned · \d+ diverge/ }).first();
    await summary.waitFor({ timeout: 90_000 });
    // the summary lens stops spinning once the run has ended
    await until(async () => !(await summary.innerHTML()).includes('spin'), { timeout: 60_000, what: 'the run to end' });
    const runs = path.join(folder, '.dilemma', 'runs', scenario.id);
    const logs = fs.readdirSync(runs).filter((f) => f.endsWith('.jsonl'));
    expect(logs.length === 1, `one run log in ${runs}, found ${logs.join(', ')}`);
    logFile = path.join(runs, logs[0]);
    log('summary lens:', await summary.innerText());
    await page.screenshot({ path: path.join(shotDir, 'run-summary-lens.png') });
  });

  await check('the diverging variant\'s line ends with its action counts and divergence, as computed from the run log', async () => {
    expect(diverging, 'the respondent makes one of the variants diverge');
    const { readRunLog } = require(path.join(repoRoot, 'out', 'src', 'core', 'run', 'runLog.js'));
    const { analyzeForEditor } = require(path.join(repoRoot, 'out', 'src', 'core', 'view', 'editorAnalysis.js'));
    const { decorationPlan } = require(path.join(repoRoot, 'out', 'src', 'core', 'view', 'decorationPlan.js'));
    const runLog = await readRunLog(logFile);
    const plan = decorationPlan(scenario, text, analyzeForEditor(scenario, text, runLog.header, runLog.sessions, logFile), runLog.sessions);
    const expected = plan.variants.find((v) => v.variant === diverging);
    expect(expected?.kind === 'diverging', `${diverging} is diverging in the plan`);
    await goToLine(page, lineOf(text, `- name: ${diverging}`));
    const hit = await until(async () => (await decorationsWithText(page, 'diverge')).find((h) => h.line?.trim() === `- name: ${diverging}`),
      { timeout: 20_000, what: `the after-text on "- name: ${diverging}"` });
    log('after-text:', hit.content, hit.color);
    expect(hit.content.includes(expected.text), `"${hit.content}" is not "${expected.text}"`);
    expect(/diverge [1-9]\d*% \(\d+\/\d+\)/.test(hit.content), `no divergence rate with n in ${hit.content}`);
    await page.screenshot({ path: path.join(shotDir, 'run-diverging-variant.png') });
  });

  await check('hovering a word the diverging variant changed shows its stated scores, action and the arbiter\'s reason', async () => {
    const box = await until(() => page.evaluate(() => {
      const el = [...document.querySelectorAll('.monaco-editor .view-line span[class*="TextEditorDecorationType"]')]
        .find((s) => s.textContent.replace(/\u00a0/g, ' ').trim().length > 3 && s.children.length === 0);
      if (!el) return undefined;
      const r = el.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2, word: el.textContent };
    }), { what: 'a marked word' });
    log('hovering', JSON.stringify(box.word));
    await page.mouse.move(box.x, box.y);
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Arbiter' }).first();
    await hover.waitFor({ state: 'visible', timeout: 20_000 });
    const shown = await hover.innerText();
    for (const v of scenario.values) expect(shown.includes(v.name), `the hover lacks the stated score of ${v.name}: ${shown.slice(0, 300)}`);
    expect(shown.includes('Action:'), 'the hover shows the action');
    await page.screenshot({ path: path.join(shotDir, 'run-changed-word-hover.png') });
    await page.keyboard.press('Escape');
  });

  await check('the divergence view sets the stated answers beside the action', async () => {
    await paletteThenPick(page, 'Dilemma Lens: Show Divergence of a Variant', diverging);
    await page.locator('.tab', { hasText: `${diverging} divergence.md` }).first().waitFor({ timeout: 20_000 });
    await page.locator('.monaco-editor .view-line', { hasText: 'DIVERGES' }).first().waitFor({ timeout: 20_000 });
    // the contradicted statements are highlighted: whole-line decorations in the divergence document's editor
    const view = page.locator('.monaco-editor[data-uri^="dilemma-divergence:"]');
    await view.locator('.view-overlays div[class*="TextEditorDecorationType"]').first().waitFor({ timeout: 20_000 });
    const marked = await view.locator('.view-line', { hasText: '⚠' }).count();
    expect(marked > 0, 'no contradicted statement is shown');
    await page.screenshot({ path: path.join(shotDir, 'run-divergence-view.png') });
  });

  await check('"Compare with baseline" opens the diff editor on the two transcripts', async () => {
    await page.locator('.tab', { hasText: EXAMPLE }).first().click();
    await paletteThenPick(page, 'Dilemma Lens: Compare Variant with Baseline', diverging);
    await page.locator('.tab', { hasText: `${scenario.variants[0].name} ↔ ${diverging}` }).first().waitFor({ timeout: 20_000 });
    await page.locator('.monaco-diff-editor .editor.modified .view-line', { hasText: `# ${diverging}` }).first().waitFor({ timeout: 20_000 });
    await page.locator('.monaco-diff-editor .editor.original .view-line', { hasText: `# ${scenario.variants[0].name}` }).first().waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(shotDir, 'run-compare-view.png') });
  });
} catch (e) {
  escaped(counts, e);
} finally {
  await finish(counts);
}
