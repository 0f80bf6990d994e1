import * as vscode from 'vscode';
import type { RunErrorPlan } from '../core/view/runErrorPlan';
import { COMMANDS, RUN_SETTINGS } from './ids';

/** Shows a run error with its fix button, and runs the fix when the button is pressed. */
export async function showRunError(plan: RunErrorPlan, uri: vscode.Uri): Promise<void> {
  const pressed = await vscode.window.showErrorMessage(`Dilemma Lens: ${plan.message}`, ...(plan.fix ? [plan.fix.label] : []));
  const fix = plan.fix;
  if (!fix || pressed !== fix.label) return;
  switch (fix.kind) {
    case 'setApiKey':
      await vscode.commands.executeCommand(COMMANDS.setApiKey, fix.provider);
      return;
    case 'openSettings':
      await vscode.commands.executeCommand('workbench.action.openSettings', RUN_SETTINGS.providers);
      return;
    case 'pickModel':
      await vscode.commands.executeCommand(COMMANDS.pickModel);
      return;
    case 'showProblem': {
      const doc = await vscode.workspace.openTextDocument(uri);
      const at = doc.positionAt(fix.offset);
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(at, at) });
      await vscode.commands.executeCommand('editor.action.marker.this');
      return;
    }
  }
}
