// Gestures on the VS Code workbench that reach the state they are for, on a loaded machine too: each
// is re-issued (bounded, see waits.mjs `retrying`) until the workbench shows its effect, since a key or
// click can land before the element that should take it is ready, or on an element the workbench has
// just re-rendered. Use these in every code-server UI check; use `runCommand` (or the extension's API in
// the extension-host suite) when the behaviour under test is not the gesture itself.
import { bound, log, retrying, until } from './waits.mjs';

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Text of the DOM with VS Code's rendered spaces (U+00A0) as plain spaces. */
export const nbsp = (s) => (s ?? '').replace(/\u00a0/g, ' ');

export const quickInput = (page) => page.locator('.quick-input-widget input.input');
/** Rows of the open quick input (command palette, quick pick, Go to Line) whose label contains `text` (a string or RegExp). */
export const quickRow = (page, text) => page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();
const visible = (locator) => locator.isVisible().catch(() => false);

/** Whether the workbench has loaded and its remote side answers: the explorer lists the folder. */
async function workbenchReady(page) {
  return (await visible(page.locator('.monaco-workbench').first()))
    && (await visible(page.locator('.explorer-folders-view .monaco-list-row').first()));
}

/**
 * Opens the workbench on a folder and waits until the explorer shows it. The navigation only waits for
 * the server's answer (`commit`), then for the workbench itself: the page's `load` event comes after
 * megabytes of script that a loaded machine parses slowly. A navigation that failed or a workbench that
 * never came up is loaded again, a bounded number of times. `query`: more URL parameters (`&payload=...`).
 */
export async function openWorkbench(page, url, folder, { query = '' } = {}) {
  const target = `${url}/?folder=${encodeURIComponent(folder)}${query}`;
  const t = Date.now();
  await retrying('the workbench to show the folder', () => page.goto(target, { waitUntil: 'commit', timeout: bound(30_000) }),
    () => workbenchReady(page), { tries: 3, settle: bound(30_000) });
  log(`workbench ready in ${Date.now() - t} ms`);
}

/**
 * Runs a command from the command palette by its title (as listed, or without its category), as a person would: F1, type, pick the row.
 * Re-opens the palette when it did not open or did not list the command yet (an extension's commands
 * appear once it has activated). `done`: the state the command should cause; without it, the palette
 * closing is the state. With `repeat: true` the whole gesture is re-issued until `done` (for commands
 * that may run twice; a command that must run once should leave `done` a first acknowledgement).
 */
export async function runCommand(page, title, { done, repeat = false, settle = bound(10_000) } = {}) {
  const input = quickInput(page);
  // the row whose label is the title, with or without a category ("View: ..."): not one that merely contains it
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*(?:[^:]+: )?${escapeRe(title)}\\s*$`) }) }).first();
  const once = async () => {
    await retrying(`the command palette to list "${title}"`, async () => {
      if (!(await visible(input))) await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: bound(5_000) });
      await input.fill(`>${title}`);
    }, () => visible(row), { reset: () => page.keyboard.press('Escape') });
    // the row itself: Enter would run whichever row the list had focused before it filtered
    await retrying(`"${title}" to run from the palette`, () => row.click({ timeout: bound(5_000) }),
      async () => !(await visible(row)), { tries: 3 });
  };
  if (!done) return once();
  if (!repeat) {
    await once();
    return until(done, { timeout: settle * 3, what: `the effect of "${title}"` });
  }
  return retrying(`the effect of "${title}"`, once, done, { settle, reset: () => page.keyboard.press('Escape') });
}

/** The status bar's cursor position (`Ln 12, Col 3`) as `{ line, col }`, or undefined while none shows. */
async function cursorPosition(page) {
  const text = await page.locator('.statusbar-item[id="status.editor.selection"]').first().innerText({ timeout: 1_000 }).catch(() => '');
  const m = /Ln (\d+), Col (\d+)/.exec(text);
  return m ? { line: Number(m[1]), col: Number(m[2]) } : undefined;
}

/**
 * Moves the cursor of the editor of `tab` (a tab title) to a 1-based line with Go to Line, so that the
 * line's lenses and decorations are rendered; done when the status bar shows the cursor on that line.
 * Ctrl+G goes to whatever has focus: the tab is clicked first, and the whole gesture is repeated until
 * the cursor is there.
 */
export async function goToLine(page, tab, line) {
  const input = quickInput(page);
  await retrying(`Go to Line ${line} in ${tab}`, async () => {
    await page.locator('.tabs-container .tab', { hasText: tab }).first().click({ timeout: bound(5_000) });
    await page.keyboard.press('Control+G');
    await input.waitFor({ state: 'visible', timeout: bound(5_000) });
    await input.fill(`:${line}`);
    await page.keyboard.press('Enter');
  }, async () => (await cursorPosition(page))?.line === line && !(await visible(input)),
  { reset: () => page.keyboard.press('Escape') });
}

/**
 * Opens a file of the explorer by clicking its row, as a person would; done when its tab is the active
 * one and the editor shows `text` (when given). A click that did not open it is repeated.
 */
export async function openFromExplorer(page, name, { text } = {}) {
  const activeTab = page.locator('.tabs-container .tab.active', { hasText: name }).first();
  await retrying(`${name} to open from the explorer`, () => page.getByRole('treeitem', { name }).first().click({ timeout: bound(5_000) }),
    async () => (await visible(activeTab)) && (!text || nbsp(await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().textContent()).includes(text)));
}

/**
 * Clicks `locator` (a lens, a button) until `done` holds. Lenses and list rows are re-rendered whenever
 * their provider fires, so a click can hit an element that has just been replaced. `settle`: how long to
 * wait for `done` before clicking again; make it long, and `done` a first acknowledgement, when a second
 * click would do something else than the first.
 */
export async function clickUntil(page, what, locator, done, { settle = bound(5_000), tries = 5, hover = false } = {}) {
  return retrying(what, async () => {
    if (hover) await locator.hover({ timeout: bound(5_000) });
    await locator.click({ timeout: bound(5_000) });
  }, done, { settle, tries });
}

/** Picks the row of the open quick pick that contains `text`; done when the quick pick has closed. */
export async function pickQuickItem(page, text) {
  const row = quickRow(page, text);
  await row.waitFor({ state: 'visible', timeout: bound(30_000) });
  await retrying(`"${text}" to be picked`, () => row.click({ timeout: bound(5_000) }), async () => !(await visible(quickInput(page))), { tries: 3 });
}

/**
 * Hovers the point `target()` returns (re-read on every try: the element may move as the editor
 * renders) until `hover` (a locator) is visible, moving the mouse away between tries so the workbench
 * sees a new hover. Returns the hover's text.
 */
export async function hoverUntil(page, what, target, hover) {
  await retrying(what, async () => {
    const box = await until(target, { timeout: bound(20_000), what: `where to hover for ${what}` });
    await page.mouse.move(box.x, box.y, { steps: 2 });
  }, () => visible(hover), { reset: () => page.mouse.move(0, 0) });
  return hover.innerText();
}

/**
 * Reloads the window, as Developer: Reload Window would, and waits until `ready` holds (default: the
 * explorer lists the folder; pass another state when the layout hides the explorer, e.g. a restored
 * tab). A reload that never gets there is repeated.
 */
export async function reloadWorkbench(page, { ready = () => workbenchReady(page) } = {}) {
  await retrying('the workbench to come back after a reload', () => page.reload({ waitUntil: 'commit', timeout: bound(30_000) }),
    ready, { tries: 3, settle: bound(30_000) });
}

/** Waits for a locator to be visible, with a bound scaled for a loaded machine. */
export const shown = (locator, ms = 30_000) => locator.waitFor({ state: 'visible', timeout: bound(ms) });
