import * as vscode from 'vscode';
import { savedResultsDecision, SHOW_REPOSITORY_RESULTS, withheldMessage, type SavedResultsDecision } from '../core/view/repositoryResults';
import { COMMANDS } from './ids';
import type { SavedResultsGate } from './resultsStore';

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

/**
 * Restricted Mode and results saved in the workspace (`.dilemma/runs`): a cloned repository can ship
 * fabricated run logs whose hash matches its scenarios. Untrusted, they are withheld and offered once per
 * scenario ("Show results from this repository"); after the opt-in (for this window) they show, labelled
 * as from the repository. Trusted, they show as the workspace's own.
 */
export class RepositoryResultsGate implements SavedResultsGate {
  private optedIn = false;
  private readonly offered = new Set<string>();
  /** What the last offer's notification resolved to (tests wait on it); undefined while none was shown. */
  lastOffer: Thenable<string | undefined> | undefined;

  constructor(private readonly isTrusted: () => boolean = () => vscode.workspace.isTrusted) {}

  decide(): SavedResultsDecision {
    return savedResultsDecision({ trusted: this.isTrusted(), optedIn: this.optedIn });
  }

  withheld(_uri: vscode.Uri, scenarioId: string): void {
    if (this.offered.has(scenarioId)) return;
    this.offered.add(scenarioId);
    this.lastOffer = vscode.window.showWarningMessage(withheldMessage(scenarioId), SHOW_REPOSITORY_RESULTS);
    void this.lastOffer.then((pick) => {
      if (pick === SHOW_REPOSITORY_RESULTS) void vscode.commands.executeCommand(COMMANDS.showRepositoryResults);
    });
  }

  /** The person chose to see the repository's results (for this window). */
  optIn(): void {
    this.optedIn = true;
  }
}
