import * as vscode from 'vscode';
import { bound } from '../support/slowdown';

/** The range and code a fixture's caret comment (`#   ^^^^ code`) marks on the line above it. */
export interface Annotation { line: number; start: number; end: number; code: string }

/** Reads caret annotations: the expectation is written next to the mistake, not taken from the validator. */
export function annotations(text: string): Annotation[] {
  const lines = text.split('\n');
  const out: Annotation[] = [];
  lines.forEach((l, i) => {
    const m = /^#\s*(\^+)\s+([a-z-]+)\s*$/.exec(l);
    if (!m || i === 0) return;
    const start = l.indexOf('^');
    out.push({ line: i - 1, start, end: start + (m[1] ?? '').length, code: m[2] ?? '' });
  });
  return out;
}

export { bound, slowdown } from '../support/slowdown';

/** Polls until `fn` returns a truthy value; fails with `what` at the deadline (`timeoutMs` on a quiet machine, stretched). Never a fixed sleep. */
export async function waitFor<T>(fn: () => T | undefined | PromiseLike<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + bound(timeoutMs);
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Reverts every dirty document and closes every editor, so that what a test typed never reaches a later
 * test (a run saves a dirty scenario before it starts). Each dirty document is brought to the front and
 * reverted until it is clean: `revertAndCloseActiveEditor` alone acts on whatever editor is active.
 */
export async function revertAndCloseAll(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty && !d.isUntitled)) {
    await waitFor(async () => {
      await vscode.window.showTextDocument(doc, { preview: false });
      if (vscode.window.activeTextEditor?.document === doc) await vscode.commands.executeCommand('workbench.action.files.revert');
      return !doc.isDirty;
    }, `${vscode.workspace.asRelativePath(doc.uri)} to be reverted`);
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** The first workspace file whose name matches, opened in an editor. */
export async function openWorkspaceFile(glob: string, accept: (text: string) => boolean = () => true): Promise<vscode.TextEditor> {
  const files = (await vscode.workspace.findFiles(glob)).sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  for (const f of files) {
    const doc = await vscode.workspace.openTextDocument(f);
    if (accept(doc.getText())) return vscode.window.showTextDocument(doc);
  }
  throw new Error(`no workspace file matches ${glob}`);
}
