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
import { startCodeServer, launchBrowser, openWorkbench, prepareWorkspace, repoRoot, log, watchdog, until, checks, expect, startSimServer, escaped, finish,
  bound, openFromExplorer, goToLine, runCommand, pickQuickItem, quickInput, quickRow, clickUntil, hoverUntil, shown, prerequisite, retrying } from './lib.mjs';

watchdog(300);
const require = createRequire(import.meta.url);
const shotDir = path.join(repoRoot, 'test-results', 'screenshots');
fs.mkdirSync(shotDir, { recursive: true });
const { check, counts } = checks();
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

const lineOf = (text, needle) => text.split('\n').findIndex((l) => l.trim() === needle) + 1;

const lens = (page, text) => page.locator('.codelens-decoration a', { hasText: text }).first();
const visible = (locator) => locator.isVisible().catch(() => false);

/** Runs a command from the palette by its title, then picks `item` in the quick pick it opens. */
async function paletteThenPick(page, title, item) {
  await runCommand(page, title, { done: () => visible(quickRow(page, item)) });
  await pickQuickItem(page, item);
}

try {
  for (const f of ['dist/extension.js', 'out/test/support/openaiServer.js']) {
    if (!fs.existsSync(path.join(repoRoot, f))) throw new Error(`${f} is missing: build first (npm test does)`);
  }
  const sim = await startSimServer({ alsoAligned: true });
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

  // The scenario open in the editor: the checks below need it, and make it so themselves if an earlier
  // check did not (a failed check is reported once, not again as an unexplained follow-on failure).
  const opened = prerequisite(`${EXAMPLE} open in the editor`, () => openFromExplorer(page, EXAMPLE, { text: `dilemma: ${scenario.id}` }));
  await check(`opening ${EXAMPLE} shows the run lenses`, async () => {
    await opened();
    await shown(lens(page, '▶ Run scenario'));
    await goToLine(page, EXAMPLE, lineOf(text, `- name: ${scenario.variants[1].name}`));
    await shown(lens(page, '▶ Run variant'));
    await goToLine(page, EXAMPLE, 1);
  });

  const statusModel = page.locator('.statusbar-item', { hasText: model }).first();
  const picked = prerequisite(`${model} picked`, async () => {
    await opened();
    const row = quickRow(page, sim.model);
    // the lens is re-rendered whenever the selection or results change: click until the quick pick lists the model
    await clickUntil(page, 'the model lens to open the quick pick', lens(page, '⇄'), () => visible(row));
    await page.screenshot({ path: path.join(shotDir, 'run-model-picker.png') });
    await pickQuickItem(page, sim.model);
    await shown(lens(page, `▶ Run scenario · ${model}`));
    await shown(statusModel);
  });
  await check(`picks ${model} in the model quick pick`, picked);

  const runsDir = path.join(folder, '.dilemma', 'runs', scenario.id);
  const runLogs = () => (fs.existsSync(runsDir) ? fs.readdirSync(runsDir).filter((f) => f.endsWith('.jsonl')) : []);
  const summary = page.locator('.codelens-decoration a', { hasText: /\d+\/\d+ aligned · \d+ diverge/ }).first();
  const ran = prerequisite('the run of "Run scenario"', async () => {
    await picked();
    await goToLine(page, EXAMPLE, 1);
    // A click that took starts the run, which writes its log first: click again only while there is none
    // (a second click during the run would only be refused, "already running").
    await clickUntil(page, 'the "Run scenario" lens to start a run', lens(page, '▶ Run scenario'), () => runLogs().length > 0, { settle: bound(15_000), tries: 3 });
    await shown(summary, 120_000);
    // the summary lens stops spinning once the run has ended
    await until(async () => !(await summary.innerHTML()).includes('spin'), { timeout: bound(90_000), what: 'the run to end' });
    const logs = runLogs();
    expect(logs.length === 1, `one run log in ${runsDir}, found ${logs.join(', ')}`);
    return path.join(runsDir, logs[0]);
  });
  await check('"Run scenario" runs it and ends with a summary lens', async () => {
    await ran();
    log('summary lens:', await summary.innerText());
    await page.screenshot({ path: path.join(shotDir, 'run-summary-lens.png') });
  });

  await check('the diverging variant\'s line ends with its action counts and divergence, as computed from the run log', async () => {
    expect(diverging, 'the respondent makes one of the variants diverge');
    const logFile = await ran();
    const { readRunLog } = require(path.join(repoRoot, 'out', 'src', 'core', 'run', 'runLog.js'));
    const { analyzeForEditor } = require(path.join(repoRoot, 'out', 'src', 'core', 'view', 'editorAnalysis.js'));
    const { decorationPlan } = require(path.join(repoRoot, 'out', 'src', 'core', 'view', 'decorationPlan.js'));
    const runLog = await readRunLog(logFile);
    const plan = decorationPlan(scenario, text, analyzeForEditor(scenario, text, runLog.header, runLog.sessions, logFile), runLog.sessions);
    const expected = plan.variants.find((v) => v.variant === diverging);
    expect(expected?.kind === 'diverging', `${diverging} is diverging in the plan`);
    await goToLine(page, EXAMPLE, lineOf(text, `- name: ${diverging}`));
    const hit = await until(async () => (await decorationsWithText(page, 'diverge')).find((h) => h.line?.trim() === `- name: ${diverging}`),
      { what: `the after-text on "- name: ${diverging}"` });
    log('after-text:', hit.content, hit.color);
    expect(hit.content.includes(expected.text), `"${hit.content}" is not "${expected.text}"`);
    expect(/diverge [1-9]\d*% \(\d+\/\d+\)/.test(hit.content), `no divergence rate with n in ${hit.content}`);
    await page.screenshot({ path: path.join(shotDir, 'run-diverging-variant.png') });
  });

  await check('hovering a word the diverging variant changed says what it was in the baseline, then shows its stated scores, action and the arbiter\'s reason', async () => {
    await ran();
    const marked = () => page.evaluate(() => {
      const el = [...document.querySelectorAll('.monaco-editor .view-line span[class*="TextEditorDecorationType"]')]
        .find((s) => s.textContent.replace(/\u00a0/g, ' ').trim().length > 3 && s.children.length === 0);
      if (!el) return undefined;
      const r = el.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2, word: el.textContent };
    });
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Arbiter' }).first();
    const said = await hoverUntil(page, 'the hover of a marked word', async () => {
      const box = await marked();
      if (box) log('hovering', JSON.stringify(box.word));
      return box;
    }, hover);
    for (const v of scenario.values) expect(said.includes(v.name), `the hover lacks the stated score of ${v.name}: ${said.slice(0, 300)}`);
    expect(said.includes('Action:'), 'the hover shows the action');
    // and, first, what the word was in the baseline: the var the variant sets, from the scenario itself
    const own = [...scenario.variants.find((v) => v.name === diverging).vars.values()];
    const notes = own.map((e) => `baseline: ${(scenario.variants[0].vars.get(e.name) ?? scenario.vars.get(e.name)).value} → ${e.name}: ${e.value}`);
    expect(notes.some((n) => said.replace(/\s+/g, ' ').includes(n)), `the hover does not say what the word was in the baseline (${notes.join(' / ')}): ${said.slice(0, 300)}`);
    await page.screenshot({ path: path.join(shotDir, 'run-changed-word-hover.png') });
    await page.keyboard.press('Escape');
  });

  await check('the divergence view sets the stated answers beside the action', async () => {
    await ran();
    await paletteThenPick(page, 'Dilemma Lens: Show Divergence of a Variant', diverging);
    await shown(page.locator('.tab', { hasText: `${diverging} divergence.md` }).first());
    await shown(page.locator('.monaco-editor .view-line', { hasText: 'DIVERGES' }).first());
    // the contradicted statements are highlighted: whole-line decorations in the divergence document's editor
    const view = page.locator('.monaco-editor[data-uri^="dilemma-divergence:"]');
    await shown(view.locator('.view-overlays div[class*="TextEditorDecorationType"]').first());
    const marked = await view.locator('.view-line', { hasText: '⚠' }).count();
    expect(marked > 0, 'no contradicted statement is shown');
    await page.screenshot({ path: path.join(shotDir, 'run-divergence-view.png') });
  });

  await check('"Compare with baseline" opens the diff editor on the two variants\' prompts and modal answers', async () => {
    await ran();
    const tab = page.locator('.tabs-container .tab', { hasText: EXAMPLE }).first();
    await clickUntil(page, `the ${EXAMPLE} tab to be the active one`, tab, async () => (await tab.getAttribute('class'))?.includes('active'));
    await paletteThenPick(page, 'Dilemma Lens: Compare Variant with Baseline', diverging);
    await shown(page.locator('.tab', { hasText: `${scenario.variants[0].name} ↔ ${diverging}` }).first());
    await shown(page.locator('.monaco-diff-editor .editor.modified .view-line', { hasText: `# Prompts: ${diverging}` }).first());
    await shown(page.locator('.monaco-diff-editor .editor.original .view-line', { hasText: `# Prompts: ${scenario.variants[0].name}` }).first());
    await shown(page.locator('.monaco-diff-editor .editor.modified .view-line', { hasText: '## Action prompt' }).first());
    await page.screenshot({ path: path.join(shotDir, 'run-compare-view.png') });
  });

  // Two models at 1400x900 (lib.mjs's viewport): a comparison run of sim-mixed and sim-aligned. Each line
  // names the picked model with `+1`, in that model's own colour, and ends inside the editor's text area.
  await check('with two models each variant line shows the picked model and +1, and fits the editor at 1400 px', async () => {
    await ran();
    const other = sim.models.find((m) => m !== sim.model);
    expect(other, 'the test server offers a second model');
    await page.keyboard.press('Escape');
    await page.screenshot({ path: path.join(shotDir, 'run-two-models-start.png') });
    // the views the checks above opened close, so the scenario is the one editor
    await runCommand(page, 'Close All Editors', { done: async () => (await page.locator('.tabs-container .tab').count()) === 0 });
    // opened by Quick Open (the editor comes back at its last scroll position: the lenses are on line 1)
    const activeTab = page.locator('.tabs-container .tab.active', { hasText: EXAMPLE }).first();
    await retrying(`${EXAMPLE} to open by Quick Open`, async () => {
      await page.keyboard.press('Control+P');
      await quickInput(page).waitFor({ state: 'visible', timeout: bound(5_000) });
      await quickInput(page).fill(EXAMPLE);
      await quickRow(page, EXAMPLE).waitFor({ state: 'visible', timeout: bound(5_000) });
      await page.keyboard.press('Enter');
    }, () => visible(activeTab), { reset: async () => { await page.screenshot({ path: path.join(shotDir, 'run-two-models-open.png') }); await page.keyboard.press('Escape'); } });
    await goToLine(page, EXAMPLE, 1);
    const compareRow = quickRow(page, 'Compare several models');
    await clickUntil(page, 'the model lens to open the quick pick', lens(page, '⇄'), () => visible(compareRow));
    const title = page.locator('.quick-input-widget .quick-input-title', { hasText: 'compare models' });
    await clickUntil(page, 'the "Compare several models" row to open the many-model pick', compareRow, () => visible(title));
    // rows are labelled by the model's name; the current model comes checked (a click would uncheck it)
    for (const m of [sim.model, other]) {
      const row = quickRow(page, m);
      await row.waitFor({ state: 'visible', timeout: bound(10_000) });
      const checked = async () => (await row.getAttribute('aria-checked')) === 'true';
      if (!(await checked())) await clickUntil(page, `${m} to be checked`, row, checked);
    }
    await page.keyboard.press('Enter');
    await shown(lens(page, '▶ Run scenario · 2 models'));
    const before = runLogs();
    await clickUntil(page, 'the "Run scenario" lens to start the comparison run', lens(page, '▶ Run scenario · 2 models'), () => runLogs().length > before.length, { settle: bound(15_000), tries: 3 });
    const fresh = runLogs().find((f) => !before.includes(f));
    // the run has ended when its log ends with the end record
    await until(() => {
      const lines = fs.readFileSync(path.join(runsDir, fresh), 'utf8').trim().split('\n');
      return JSON.parse(lines[lines.length - 1]).kind === 'end';
    }, { timeout: bound(120_000), what: 'the comparison run to end' });
    const variantLines = scenario.variants.map((v) => `- name: ${v.name}`);
    // Measured from the DOM: the right edge of each after-text against the right edge of the text area (left of the minimap).
    const measure = () => page.evaluate((variantLines) => {
      const editor = [...document.querySelectorAll('.monaco-editor')].find((e) => (e.getAttribute('data-uri') ?? '').endsWith('.dilemma.yaml'));
      if (!editor) return undefined;
      const area = editor.querySelector('.monaco-scrollable-element.editor-scrollable').getBoundingClientRect();
      const minimap = editor.querySelector('.minimap');
      const right = Math.min(area.right, minimap && minimap.getBoundingClientRect().width > 0 ? minimap.getBoundingClientRect().left : Infinity);
      const hits = [];
      for (const el of editor.querySelectorAll('.view-lines span')) {
        const c = getComputedStyle(el, '::after').content;
        if (!c || c === 'none' || !c.includes('+1')) continue;
        const line = el.closest('.view-line')?.textContent.replace(/\u00a0/g, ' ').trim();
        hits.push({ line, content: c, right: el.getBoundingClientRect().right, color: getComputedStyle(el, '::after').color });
      }
      const onVariants = hits.filter((h) => variantLines.includes(h.line));
      return onVariants.length > 0 ? { right, hits, onVariants } : undefined;
    }, variantLines);
    await goToLine(page, EXAMPLE, lineOf(text, variantLines[0]));
    const seen = await until(measure, { timeout: bound(60_000), what: 'after-texts with +1 on the variant lines' });
    log('text area right edge', seen.right, JSON.stringify(seen.hits.map((h) => [h.line, Math.round(h.right), h.color])));
    await page.screenshot({ path: path.join(shotDir, 'run-two-models-1400.png') });
    for (const h of seen.onVariants) {
      expect(h.content.includes(`${sim.model}: `) || h.content.includes(`${other}: `), `${h.line}: the line names its model: ${h.content}`);
      expect(h.right <= seen.right, `${h.line}: the after-text ends at ${Math.round(h.right)} px, past the text area's ${Math.round(seen.right)} px`);
    }
    // The stated-versus-action marks (value, expect and rule lines) and the items' means fit too.
    for (const h of seen.hits) expect(h.right <= seen.right, `${h.line}: ends at ${Math.round(h.right)} px, past ${Math.round(seen.right)} px`);
  });
} catch (e) {
  escaped(counts, e);
} finally {
  await finish(counts);
}
