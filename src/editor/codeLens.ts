import * as vscode from 'vscode';
import { lensPlan, type LensAction } from '../core/view/lensPlan';
import { FROM_REPOSITORY_LABEL } from '../core/view/repositoryResults';
import { COMMANDS, OPEN_REPORT_COMMAND } from './ids';
import type { ModelSelection } from './modelSelection';
import type { ResultsStore } from './resultsStore';
import type { ParseCache } from './scenarioDocuments';

/**
 * Run lenses on scenario files (see `lensPlan`), refreshed when the file, the model selection or the
 * results change. The summary lens opens the report panel when it is there, else the Markdown report.
 */
export class RunLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly cache: ParseCache,
    private readonly selection: ModelSelection,
    private readonly store: ResultsStore,
  ) {
    this.subscriptions = [selection.onDidChange(() => this.emitter.fire()), store.onDidChange(() => this.emitter.fire())];
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const scenario = this.cache.get(doc).scenario;
    if (!scenario) return [];
    const results = this.store.get(doc.uri);
    const specs = lensPlan(scenario, doc.getText(), this.selection.current, results && { running: results.running, sessions: results.records.length, ...(results.analysis ? { analysis: results.analysis } : {}), ...(results.label ? { label: results.label } : {}) });
    const reportCommand = (await vscode.commands.getCommands(true)).includes(OPEN_REPORT_COMMAND) ? OPEN_REPORT_COMMAND : COMMANDS.showMarkdownReport;
    const uri = doc.uri.toString();
    const command = (action: LensAction, variant: string | undefined): { command: string; arguments: unknown[] } => {
      switch (action) {
        case 'runScenario': return { command: COMMANDS.runScenario, arguments: [uri] };
        case 'runVariant': return { command: COMMANDS.runVariant, arguments: [uri, variant] };
        case 'pickModel': return { command: COMMANDS.pickModel, arguments: [] };
        case 'runGuarded': return { command: COMMANDS.runWithGuardrail, arguments: [uri] };
        case 'openReport': return { command: reportCommand, arguments: [uri] };
      }
    };
    return specs.map((s) => {
      const at = doc.positionAt(s.at);
      // Results a repository shipped (shown in Restricted Mode after the opt-in) say so on their summary.
      const title = s.action === 'openReport' && results?.fromRepository ? `$(shield) ${FROM_REPOSITORY_LABEL} · ${s.title}` : s.title;
      return new vscode.CodeLens(new vscode.Range(at, at), { title, ...command(s.action, s.variant) });
    });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }
}
