// The report fits its panel (issue 10 §8), as a person sees it: Playwright in headless Debian Chromium
// against code-server with the extension linked from the repo root. A real run of an example against the
// OpenAI-compatible test server (its simulated respondent) is made first with the CLI (`dilemma run`),
// into the workspace's .dilemma/runs; the report of that scenario is then opened beside the editor with
// "Dilemma Lens: Open Report", and the browser window is sized until the report panel is 526 px wide (the
// width it had beside the editor at 1400x900), then 400 px. At each width, measured from the DOM inside
// the webview's frame: nothing scrolls horizontally, no element (HTML or SVG: text, bar, point, label)
// reaches outside its container or the panel, and no block's content overflows it (a sentence that does
// not wrap). Screenshots: test-results/screenshots/report-526.png, report-400.png.
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
  const ran = await new Promise((resolve) => execFile(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'run', EXAMPLE, '--model', `sim/${sim.model}`, '--no-cache'],
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

  for (const width of [526, 400]) {
    await check(`at ${width} px the report fits its panel: nothing scrolls sideways, nothing is clipped or runs off`, async () => {
      await opened();
      const frame = await sizePanel(page, width);
      // the charts scale to the panel: each SVG is as wide as its container at most
      // a state, not a sleep: the report fitting; if it never does within the bound, what does not fit is reported
      const problems = await until(async () => ((await frame.evaluate(overflows)).length === 0 ? [] : undefined),
        { timeout: bound(3_000), what: `the report laid out for ${width} px` }).catch(() => frame.evaluate(overflows));
      await page.screenshot({ path: path.join(shotDir, `report-${width}.png`) });
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
