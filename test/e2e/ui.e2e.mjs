// What a person sees: Playwright in headless Debian Chromium against code-server, with the extension
// linked from the repo root into a fresh extensions dir (build first: `node esbuild.js`; npm test does).
// Screenshots go to test-results/screenshots/. Prints `N passed, N failed` last.
// Usage: CODE_SERVER=.../code-server node test/e2e/ui.e2e.mjs
import path from 'node:path';
import fs from 'node:fs';
import { startCodeServer, launchBrowser, openWorkbench, prepareWorkspace, repoRoot, log, watchdog, until, checks, expect, escaped, finish, nbsp, openFromExplorer, goToLine, hoverUntil, shown } from './lib.mjs';

watchdog(240);
const shotDir = path.join(repoRoot, 'test-results', 'screenshots');
fs.mkdirSync(shotDir, { recursive: true });
const { check, counts } = checks();

/** Colours of the placeholder's name, its braces and the text just before it, read from the rendered tokens. */
async function placeholderColours(page, name) {
  return page.evaluate((name) => {
    for (const line of document.querySelectorAll('.monaco-editor .view-lines .view-line')) {
      const spans = [...line.querySelectorAll(':scope > span > span')];
      const i = spans.findIndex((s, k) => s.textContent === name && spans[k - 1]?.textContent.endsWith('{{'));
      if (i < 1) continue;
      const before = spans.slice(0, i - 1).reverse().find((s) => s.textContent.replace(/\u00a0/g, ' ').trim().length > 0);
      if (!before) continue;
      const colour = (el) => getComputedStyle(el).color;
      return { line: line.textContent.replace(/\u00a0/g, ' '), name: colour(spans[i]), braces: colour(spans[i - 1]), before: colour(before), beforeText: before.textContent };
    }
    return undefined;
  }, name);
}

try {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: build first (npm test does)');
  const { folder, examples } = prepareWorkspace();
  // an example that uses a placeholder outside comments, as a user would open it
  const example = examples.find((f) => /^[^#\n]*\{\{\s*[A-Za-z_][\w-]*\s*\}\}/m.test(fs.readFileSync(path.join(folder, f), 'utf8')));
  const server = await startCodeServer({ folder, extensionFolder: repoRoot });
  const ctx = await launchBrowser();
  const page = ctx.pages()[0] ?? await ctx.newPage();

  await check('workbench opens the scenario folder', () => openWorkbench(page, server.url, folder));

  await check('an example opened from the explorer shows {{placeholders}} in their own colour', async () => {
    expect(example, `no example with a placeholder among ${JSON.stringify(examples)}`);
    const text = fs.readFileSync(path.join(folder, example), 'utf8');
    const firstLine = text.split('\n').find((l) => l.trim() && !l.trim().startsWith('#'));
    const name = /^[^#\n]*\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/m.exec(text)[1];
    await openFromExplorer(page, example, { text: firstLine.trim() });
    // the language mode in the status bar says the file got our language, not plain YAML
    await shown(page.locator('.statusbar-item', { hasText: 'Dilemma Scenario' }).first());
    // scroll the placeholder's line into view, then wait until the grammar has coloured it
    const lineNo = text.split('\n').findIndex((l) => !l.trim().startsWith('#') && l.includes(`{{${name}}}`)) + 1;
    await goToLine(page, example, lineNo);
    const c = await until(async () => {
      const r = await placeholderColours(page, name);
      return r && r.name !== r.before ? r : undefined;
    }, { what: `{{${name}}} coloured apart from its text` });
    log('placeholder colours:', JSON.stringify(c));
    expect(c.name !== c.before, 'placeholder name has the colour of the text before it');
    await page.screenshot({ path: path.join(shotDir, 'placeholder-highlight.png') });
  });

  await check('a broken file shows a squiggle whose hover gives the problem', async () => {
    const broken = fs.readFileSync(path.join(folder, 'broken.dilemma.yaml'), 'utf8').split('\n');
    const ann = broken.findIndex((l) => /^#\s*\^+\s+unknown-key/.test(l));
    const target = broken[ann - 1];
    const col = broken[ann].indexOf('^');
    const word = target.slice(col, broken[ann].lastIndexOf('^') + 1);
    await openFromExplorer(page, 'broken.dilemma.yaml', { text: nbsp(target).trim() });
    await shown(page.locator('.monaco-editor .squiggly-error').first());
    // the squiggle on the misspelt key's line, found by its vertical position; hovered until the hover shows
    const squiggle = () => page.evaluate((text) => {
      const line = [...document.querySelectorAll('.monaco-editor .view-line')].find((l) => l.textContent.replace(/\u00a0/g, ' ') === text);
      if (!line) return undefined;
      const top = line.getBoundingClientRect().top;
      const sq = [...document.querySelectorAll('.monaco-editor .squiggly-error')].find((s) => Math.abs(s.getBoundingClientRect().top - top) < 3);
      if (!sq) return undefined;
      const r = sq.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2, width: r.width };
    }, target);
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'unknown-key' }).first();
    const said = await hoverUntil(page, `the hover of the squiggle under "${word}"`, squiggle, hover);
    log('hover:', JSON.stringify(said.slice(0, 200)));
    expect(said.includes(word), `hover does not name "${word}": ${said}`);
    await page.screenshot({ path: path.join(shotDir, 'broken-squiggle-hover.png') });
  });
} catch (e) {
  escaped(counts, e);
} finally {
  await finish(counts);
}
