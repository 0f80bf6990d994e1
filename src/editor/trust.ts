import * as vscode from 'vscode';

/** Why nothing runs in an untrusted workspace, in words a person can act on. */
export const UNTRUSTED_MESSAGE = 'Dilemma Lens does not send scenarios to a model in an untrusted workspace: a scenario file from an unknown source could send your API key and its prompts to a host of its choosing. Trust the workspace to run it.';

/**
 * The guard of every path that sends something to a model: true in a trusted workspace; otherwise
 * tells the person why not, offers to manage trust, and returns false. Language features never call it:
 * they work untrusted (`capabilities.untrustedWorkspaces: limited`).
 */
export async function ensureTrusted(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, manage).then((pick) => {
    if (pick === manage) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
