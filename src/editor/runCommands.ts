import * as vscode from 'vscode';
import { reportMarkdown } from '../core/report/markdown';
import { COMMANDS } from './ids';
import { scenarioArg } from './divergenceView';
import type { ResultsStore } from './resultsStore';
import type { RunController, RunOutcome } from './runController';

/**
 * `runScenario (uri?, variant?)`, `runVariant (uri, variant)`, `runWithGuardrail (uri?)`, `showMarkdownReport (uri?)` and
 * `showOutput`. The run commands resolve with the outcome, so scripts and tests can await a run.
 */
export function registerRunCommands(controller: RunController, store: ResultsStore, log: vscode.LogOutputChannel): vscode.Disposable {
  const run = async (uriArg: unknown, variant: unknown): Promise<RunOutcome | undefined> => {
    const uri = scenarioArg(uriArg);
    if (!uri) {
      void vscode.window.showInformationMessage('Dilemma Lens: open a scenario file (*.dilemma.yaml) to run it.');
      return undefined;
    }
    return controller.run({ uri, ...(typeof variant === 'string' ? { variant } : {}) });
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMANDS.runScenario, run),
    vscode.commands.registerCommand(COMMANDS.runVariant, run),
    // The guard A/B: every session also runs with the arbitration rules stated as its policy.
    vscode.commands.registerCommand(COMMANDS.runWithGuardrail, async (uriArg: unknown): Promise<RunOutcome | undefined> => {
      const uri = scenarioArg(uriArg);
      if (!uri) {
        void vscode.window.showInformationMessage('Dilemma Lens: open a scenario file (*.dilemma.yaml) to run it.');
        return undefined;
      }
      return controller.run({ uri, guard: true });
    }),
    vscode.commands.registerCommand(COMMANDS.showOutput, () => log.show(true)),
    vscode.commands.registerCommand(COMMANDS.showMarkdownReport, async (uriArg?: unknown) => {
      const uri = scenarioArg(uriArg);
      const analysis = uri && store.get(uri)?.analysis;
      if (!analysis) {
        void vscode.window.showInformationMessage('Dilemma Lens: no results for this file yet; run it first.');
        return undefined;
      }
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: reportMarkdown([analysis]) });
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
      return doc;
    }),
  );
}
