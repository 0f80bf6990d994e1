// The report fits its panel (issue 10 §8), as a person sees it: Playwright in headless Debian Chromium
// against code-server with the extension linked from the repo root. A real run of an example against the
// OpenAI-compatible test server (its simulated respondent) is made first with the CLI (`dilemma run`),
// into the workspace's .dilemma/runs; the report of that scenario is then opened beside the editor with
// "Dilemma Lens: Open Report", and the browser window is sized until the report panel is 526 px wide (the
// width it had beside the editor at 1400x900), then 400 px. At each width, measured from the DOM inside
// the webview's frame: nothing scrolls horizontally, no element (HTML or SVG: text, bar, point, label)
// reaches outside its container or the panel, and no block's content overflows it (a sentence that does
// not wrap). Screenshots: test-results/screenshots/report-526.png, report-400.png (and -gap, -hierarchy).
// The run is a guarded one (`--guard`: every session also run with the arbitration rules as its policy), so
// the report has its gap panel, value hierarchy and guard A/B sections (issue 13 §1): their rows are read
// from the webview's DOM and checked against the figures of `dilemma analyze <log> --format json`, formatted
// here from the raw numbers of the JSON (not from the report code's own strings), and they are measured
// by the same no-overflow checks at both widths.
// Usage: CODE_SERVER=.../code-server node test/e2e/report.e2e.mjs   (build first; npm test does)
import path from 'node:path';
import fs from 'node:fs';
import { execFile } from 'node:child_process';
import { startCodeServer, launchBrowser, openWorkbench, prepareWorkspace, repoRoot, log, watchdog, until, checks, expect, startSimServer, escaped, finish,
  bound, runCommand, openFromExplorer, shown, prerequisite } from './lib.mjs';

watchdog(300);
const shotDir = path.join(repoRoot, 'test-results', 'screenshots');
fs.mkdirSync(shotDir, { recursive: true });
const { check, counts } = checks();
const EXAMPLE = 'school-records.dilemma.yaml';

/** The report webview's frame once its script has drawn the charts (body[data-rendered]). */
async function reportFrame(page) {
  for (const f of page.frames()) {
    const ok = await f.evaluate(() => document.body?.dataset.rendered === 'true' && !!document.getElementById('report')).catch(() => false);
    if (ok) return f;
  }
  return undefined;
}

/**
 * The panel's width (the webview frame's), once the report has been drawn for the width it now has
 * (body[data-width], set by report.js at each drawing; a report that never redraws has none, and is measured as it is).
 */
const drawnWidth = (frame) => frame.evaluate(() => {
  const w = Math.max(240, Math.floor(document.getElementById('report').clientWidth));
  const drawn = document.body.dataset.width;
  return drawn === undefined || drawn === String(w) ? window.innerWidth : undefined;
});

/**
 * Sizes the browser window until the report panel is `target` px wide (±1): the panel's width follows the
 * window's with a slope that depends on the layout (one editor group or two), so each step moves the window
 * by the missing width over the slope last seen. A resize that did not take yet is re-read, not re-issued blindly.
 */
async function sizePanel(page, target) {
  let frame = await until(() => reportFrame(page), { what: 'the report frame' });
  let slope = 1;
  let width = await until(() => drawnWidth(frame), { what: 'the report drawn for its width' });
  for (let step = 0; Math.abs(width - target) > 1; step++) {
    expect(step < 8, `the report panel is ${width} px wide after ${step} resizes of the window, not ${target}`);
    const vp = page.viewportSize();
    const next = Math.round(vp.width + (target - width) / slope);
    expect(next > 300 && next < 4000, `a window ${next} px wide for a ${target} px panel`);
    await page.setViewportSize({ width: next, height: vp.height });
    // the workbench lays out, then the webview redraws: wait for a drawn width that is not the old one
    const before = width;
    const got = await until(async () => {
      frame = (await reportFrame(page)) ?? frame;
      const w = await drawnWidth(frame).catch(() => undefined);
      return w !== undefined && w !== before ? w : undefined;
    }, { what: `the report panel to follow a ${next} px window`, timeout: bound(15_000) }).catch(() => undefined);
    if (got === undefined) continue; // the workbench kept the width: the next step re-reads it
    slope = Math.max(0.2, Math.min(2, (got - before) / (next - vp.width) || 1));
    width = got;
  }
  log(`report panel ${width} px wide in a ${page.viewportSize().width} px window`);
  return frame;
}

/** In the webview: every place where the report does not fit its panel, as sentences (empty when it fits). */
function overflows() {
  const problems = [];
  const say = (e, what) => {
    const cls = (typeof e.className === 'string' ? e.className : e.className?.baseVal ?? '').trim();
    const id = `${e.tagName.toLowerCase()}${cls ? `.${cls.replace(/\s+/g, '.')}` : ''}`;
    const section = e.closest('section')?.id ?? 'page';
    problems.push(`${section}: ${id} "${(e.textContent ?? '').trim().slice(0, 60)}" ${what}`);
  };
  const doc = document.scrollingElement;
  if (doc.scrollWidth > doc.clientWidth) problems.push(`the page scrolls horizontally: ${doc.scrollWidth} px of content in ${doc.clientWidth} px`);
  const vw = document.documentElement.clientWidth;
  const main = document.getElementById('report');
  const tol = 1;
  for (const e of document.body.querySelectorAll('*')) {
    if (['SCRIPT', 'title'].includes(e.tagName) || e.closest('title')) continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < -tol || r.right > vw + tol) say(e, `reaches outside the panel (${Math.round(r.left)}..${Math.round(r.right)} of 0..${vw})`);
    if (e instanceof HTMLElement) {
      const style = getComputedStyle(e);
      if (style.display !== 'inline' && e.scrollWidth > e.clientWidth + tol) say(e, `holds ${e.scrollWidth} px of content in ${e.clientWidth} px${['auto', 'scroll'].includes(style.overflowX) ? ' (scrolls)' : ''}`);
      continue;
    }
    // SVG: a chart's contents stay inside the chart (it clips), a strip's inside its cell, a chart inside its section
    const svg = e.ownerSVGElement;
    const box = (svg ? (svg.classList.contains('strip') ? svg.parentElement : svg) : e.parentElement)?.getBoundingClientRect();
    if (box && (r.left < box.left - tol || r.right > box.right + tol || (svg && !svg.classList.contains('strip') && (r.top < box.top - tol || r.bottom > box.bottom + tol)))) {
      say(e, `(${Math.round(r.left)},${Math.round(r.top)})..(${Math.round(r.right)},${Math.round(r.bottom)}) is outside its container (${Math.round(box.left)},${Math.round(box.top)})..(${Math.round(box.right)},${Math.round(box.bottom)})`);
    }
  }
  if (main.getBoundingClientRect().right > vw + tol) problems.push('the report is wider than the panel');
  return problems;
}

try {
  for (const f of ['dist/extension.js', 'dist/cli.js', 'out/test/support/openaiServer.js']) {
    if (!fs.existsSync(path.join(repoRoot, f))) throw new Error(`${f} is missing: build first (npm test does)`);
  }
  const sim = await startSimServer();
  const { folder } = prepareWorkspace();

  // A real run, made as a person would with the CLI, so the report has every section to draw.
  const config = path.join(folder, 'providers.json');
  fs.writeFileSync(config, JSON.stringify({ providers: { sim: { baseUrl: sim.server.url } } }));
  // (not spawnSync: the test server answers from this process, whose event loop must keep running)
  const ran = await new Promise((resolve) => execFile(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'run', EXAMPLE, '--model', `sim/${sim.model}`, '--no-cache', '--guard'],
    { cwd: folder, encoding: 'utf8', env: { ...process.env, DILEMMA_CONFIG: config }, timeout: bound(120_000) },
    (error, stdout, stderr) => resolve({ status: error ? error.code ?? error.signal : 0, stderr })));
  log('dilemma run exit', ran.status, (ran.stderr || '').trim().split('\n').slice(-2).join(' | '));
  const runsDir = path.join(folder, '.dilemma', 'runs');
  const logs = fs.existsSync(runsDir) ? fs.readdirSync(runsDir, { recursive: true }).filter((f) => String(f).endsWith('.jsonl')) : [];
  expect(logs.length === 1, `dilemma run wrote one run log in ${runsDir} (exit ${ran.status}: ${(ran.stderr || '').slice(0, 300)}), found ${logs.join(', ') || 'none'}`);

  const server = await startCodeServer({ folder, extensionFolder: repoRoot });
  const ctx = await launchBrowser();
  const page = ctx.pages()[0] ?? await ctx.newPage();

  const opened = prerequisite('the report opened beside the scenario', async () => {
    await openWorkbench(page, server.url, folder);
    await openFromExplorer(page, EXAMPLE, { text: 'dilemma:' });
    await shown(page.locator('.statusbar-item', { hasText: 'Dilemma Scenario' }).first());
    await runCommand(page, 'Dilemma Lens: Open Report', { done: () => reportFrame(page) });
    const frame = await until(() => reportFrame(page), { what: 'the report webview to draw its charts' });
    const drawn = await frame.evaluate(() => ({
      bars: document.querySelectorAll('#actions svg rect.bar.action').length,
      points: document.querySelectorAll('#divergence svg circle.point').length,
      vaar: document.querySelectorAll('#vaar svg circle.point').length,
    }));
    log('report drawn:', JSON.stringify(drawn), 'panel', await frame.evaluate(() => window.innerWidth), 'px');
    expect(drawn.bars > 0 && drawn.points > 0 && drawn.vaar > 0, `the report draws bars, divergence and VAAR points: ${JSON.stringify(drawn)}`);
  });
  await check('"Open Report" draws the report of the run beside the scenario', opened);

  // The analysis of the same log as JSON, the reference for the gap, hierarchy and guard sections.
  const analyzed = await new Promise((resolve) => execFile(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'analyze', path.join(runsDir, logs[0]), '--format', 'json'],
    { cwd: folder, encoding: 'utf8', maxBuffer: 1 << 28, timeout: bound(60_000) }, (error, stdout, stderr) => resolve({ stdout, stderr })));
  const json = JSON.parse(analyzed.stdout || 'null');
  expect(json?.scenarios?.length === 1, `dilemma analyze --format json gave one scenario: ${(analyzed.stderr || '').slice(0, 300)}`);
  const scenario = json.scenarios[0];
  const f2 = (x) => (x === null || x === undefined ? '–' : x.toFixed(2));
  const signed = (x) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
  /** The gap, hierarchy and guard sections as the webview shows them, as plain text. */
  const readSections = (frame) => frame.evaluate(() => {
    const cells = (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent);
    return {
      gap: [...document.querySelectorAll('#gap .gap-model')].map((d) => ({ model: d.dataset.model, failure: d.querySelector('.gap-failure')?.textContent,
        rows: [...d.querySelectorAll('tr.gap-row')].map(cells), notes: [...d.querySelectorAll('.row-label')].map((l) => l.textContent).filter(Boolean) })),
      hierarchy: [...document.querySelectorAll('#hierarchy .hierarchy-model')].map((d) => ({ model: d.dataset.model,
        orders: Object.fromEntries([...d.querySelectorAll('tr.hierarchy-order')].map(cells)), lines: [...d.querySelectorAll('li.hierarchy-line')].map((l) => l.textContent) })),
      guard: [...document.querySelectorAll('#guard .guard-model')].map((d) => ({ model: d.dataset.model, rows: [...d.querySelectorAll('tr.guard-row')].map(cells),
        verdict: d.querySelector('.guard-verdict')?.textContent, summary: d.querySelector('.guard-summary')?.textContent })),
      markup: document.querySelectorAll('#gap script, #hierarchy script, #guard script, #gap a, #hierarchy a, #guard a').length,
    };
  });

  await check('the gap panel section shows, per model, the rows of the JSON report\'s gap panel', async () => {
    await opened();
    const shownSections = await readSections(await until(() => reportFrame(page), { what: 'the report frame' }));
    expect(shownSections.gap.length === scenario.perModel.length, `${shownSections.gap.length} gap tables for ${scenario.perModel.length} models`);
    for (const m of scenario.perModel) {
      const g = m.gap;
      const view = shownSections.gap.find((x) => x.model === m.model);
      expect(view, `a gap table for ${m.model}`);
      if (g.failure) { expect(view.failure?.includes(g.failure), `${m.model}: the failure "${g.failure}" is shown: ${view.failure}`); continue; }
      // rows: 2 alignment F1, the overall distance, one distance per value (ranking), 2 directional totals, one per value, the correlation
      const expected = 2 + 1 + g.distance.ranking.length + 2 + g.directional.values.length + 1;
      expect(view.rows.length === expected, `${m.model}: ${view.rows.length} gap rows, the JSON gives ${expected}`);
      const [held, notHeld, overall] = view.rows;
      expect(held[1] === f2(g.alignment.held.f1) && held[2] === `${g.alignment.held.n} pairs` && held[3] === f2(g.alignment.held.chance.expected), `held F1 row ${JSON.stringify(held)} vs ${g.alignment.held.f1}`);
      expect(notHeld[1] === f2(g.alignment.notHeld.f1), `not-held F1 row ${JSON.stringify(notHeld)} vs ${g.alignment.notHeld.f1}`);
      expect(overall[1] === f2(g.distance.overall.distance) && overall[2] === `${g.distance.overall.n} pairs` && overall[3] === f2(g.distance.overall.chance.expected),
        `overall distance row ${JSON.stringify(overall)} vs ${JSON.stringify(g.distance.overall)}`);
      g.distance.ranking.forEach((value, i) => {
        const d = g.distance.values.find((x) => x.value === value);
        const row = view.rows[3 + i];
        expect(row[0].includes(`${value} (rank ${i + 1})`) && row[1] === f2(d.distance) && row[3] === f2(d.chance.expected), `distance row ${i + 1} ${JSON.stringify(row)} vs ${value} ${d.distance}`);
      });
      const t = g.directional.total;
      const says = view.rows[3 + g.distance.ranking.length];
      const acts = view.rows[4 + g.distance.ranking.length];
      expect(says[1] === String(t.saysNotDoes.count) && acts[1] === String(t.doesNotSay.count) && says[2] === `${t.n} pairs`, `directional rows ${JSON.stringify([says, acts])} vs ${JSON.stringify(t)}`);
      const corr = view.rows[expected - 1];
      expect(g.correlation.r === null ? corr[1].startsWith('–') : corr[1].startsWith(f2(g.correlation.r)), `correlation row ${JSON.stringify(corr)} vs r ${g.correlation.r}`);
      // the per-value distance strips: one labelled row per ranked value, strongest distance first
      expect(JSON.stringify(view.notes) === JSON.stringify(g.distance.ranking), `distance strips ${JSON.stringify(view.notes)} vs ranking ${JSON.stringify(g.distance.ranking)}`);
      log(`gap ${m.model}: ${view.rows.length} rows; F1 ${held[1]}, distance ${overall[1]}, r ${corr[1]}`);
    }
    expect(shownSections.markup === 0, `${shownSections.markup} links or scripts in the gap, hierarchy and guard sections`);
  });

  await check('the hierarchy section shows, per model, the declared and revealed orders and the strengths of the JSON report', async () => {
    await opened();
    const shownSections = await readSections(await until(() => reportFrame(page), { what: 'the report frame' }));
    expect(shownSections.hierarchy.length === scenario.perModel.length, `${shownSections.hierarchy.length} hierarchies for ${scenario.perModel.length} models`);
    for (const m of scenario.perModel) {
      const h = m.hierarchy;
      const view = shownSections.hierarchy.find((x) => x.model === m.model);
      expect(view && view.lines.length > 0, `hierarchy lines for ${m.model}`);
      expect(view.lines[0].startsWith(`revealed hierarchy, from ${h.decisions} decisions: `), `first line "${view.lines[0]}" names ${h.decisions} decisions`);
      if (h.revealed.ok) {
        expect(view.orders.revealed === h.revealed.order.join(' > '), `revealed order "${view.orders.revealed}" vs ${h.revealed.order.join(' > ')}`);
        for (const s of h.revealed.strengths) expect(view.lines[0].includes(`${s.value} ${signed(s.strength)}`), `"${view.lines[0]}" gives ${s.value} ${signed(s.strength)}`);
        expect(view.lines[0].includes(`${h.revealed.comparisons} comparisons`), `"${view.lines[0]}" gives ${h.revealed.comparisons} comparisons`);
      } else {
        expect(view.lines[0].includes(h.revealed.failure), `"${view.lines[0]}" gives the failure ${h.revealed.failure}`);
      }
      expect(h.declared ? view.orders.declared === h.declared.order.join(' > ') : view.orders.declared === undefined, `declared order "${view.orders.declared}" vs ${JSON.stringify(h.declared)}`);
      if (h.declared) {
        const declaredLine = view.lines.find((l) => l.startsWith('declared rank'));
        expect(declaredLine?.startsWith(`declared rank (rule ${h.declared.rule + 1}): ${h.declared.order.join(' > ')}`), `declared line "${declaredLine}"`);
        if (h.tauDeclared?.tau !== null && h.tauDeclared?.tau !== undefined) expect(declaredLine.includes(`Kendall tau_b ${f2(h.tauDeclared.tau)}`), `"${declaredLine}" gives tau ${h.tauDeclared.tau}`);
      }
      expect(view.lines.filter((l) => l.startsWith('inverted: ')).length === h.inversions.length, `${h.inversions.length} inversions in ${JSON.stringify(view.lines)}`);
      log(`hierarchy ${m.model}: ${JSON.stringify(view.orders)}; ${view.lines.length} lines`);
    }
  });

  await check('the guard section shows the guard A/B table and the verdict of the JSON report', async () => {
    await opened();
    const shownSections = await readSections(await until(() => reportFrame(page), { what: 'the report frame' }));
    expect(scenario.guard?.length > 0, 'the guarded run has a guard A/B in the JSON report');
    expect(shownSections.guard.length === scenario.guard.length, `${shownSections.guard.length} guard tables for ${scenario.guard.length} in the JSON`);
    for (const g of scenario.guard) {
      const view = shownSections.guard.find((x) => x.model === g.model);
      expect(view, `a guard table for ${g.model}`);
      expect(view.verdict === `verdict: ${g.verdict}` && view.summary === g.summary, `verdict "${view.verdict}" / "${view.summary}" vs ${g.verdict} / ${g.summary}`);
      expect(view.rows.length === g.metrics.length, `${view.rows.length} guard rows for ${g.metrics.length} metrics`);
      g.metrics.forEach((x, i) => {
        const row = view.rows[i];
        expect(row[1] === f2(x.unguarded) && row[2] === f2(x.guarded) && row[5] === String(x.pairs), `guard row ${JSON.stringify(row)} vs ${JSON.stringify(x)}`);
      });
      log(`guard ${g.model}: ${view.verdict}; ${view.rows.length} rows`);
    }
  });

  for (const width of [526, 400]) {
    await check(`at ${width} px the report fits its panel: nothing scrolls sideways, nothing is clipped or runs off`, async () => {
      await opened();
      const frame = await sizePanel(page, width);
      const sectionsShown = await frame.evaluate(() => ['gap', 'hierarchy', 'guard'].filter((id) => document.getElementById(id)));
      expect(sectionsShown.length === 3, `the gap, hierarchy and guard sections are drawn (and measured): ${sectionsShown.join(', ')}`);
      // the charts scale to the panel: each SVG is as wide as its container at most
      // a state, not a sleep: the report fitting; if it never does within the bound, what does not fit is reported
      const problems = await until(async () => ((await frame.evaluate(overflows)).length === 0 ? [] : undefined),
        { timeout: bound(3_000), what: `the report laid out for ${width} px` }).catch(() => frame.evaluate(overflows));
      await page.screenshot({ path: path.join(shotDir, `report-${width}.png`) });
      // and the new tables (gap, hierarchy, guard) as they show at this width, for a person to look at
      await frame.evaluate(() => document.getElementById('gap').scrollIntoView());
      await page.screenshot({ path: path.join(shotDir, `report-${width}-gap.png`) });
      await frame.evaluate(() => document.getElementById('hierarchy').scrollIntoView());
      await page.screenshot({ path: path.join(shotDir, `report-${width}-hierarchy.png`) });
      await frame.evaluate(() => window.scrollTo(0, 0));
      const charts = await frame.evaluate(() => [...document.querySelectorAll('svg.chart')].map((s) => Math.round(s.getBoundingClientRect().width)));
      log(`charts at ${width} px:`, charts.join(', '), 'px wide');
      expect(problems.length === 0, `${problems.length} overflows, e.g. ${problems.slice(0, 4).join('; ')}`);
      const vaarNote = await frame.evaluate(() => [...document.querySelectorAll('#vaar .row-note')].map((n) => n.textContent).join(' | '));
      log('VAAR notes:', vaarNote.slice(0, 200));
    });
  }
} catch (e) {
  escaped(counts, e);
} finally {
  await finish(counts);
}
