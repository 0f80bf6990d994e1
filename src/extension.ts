import * as vscode from 'vscode';
import { ScenarioDiagnostics } from './editor/diagnostics';
import { registerLanguageFeatures } from './editor/languageFeatures';
import { ParseCache, SCENARIO_SELECTOR } from './editor/scenarioDocuments';
import { RunLenses } from './editor/codeLens';
import { CompareView } from './editor/compareView';
import { ResultDecorations } from './editor/decorations';
import { DivergenceView } from './editor/divergenceView';
import { COMMANDS, LANGUAGE_ID } from './editor/ids';
import { ModelPicker } from './editor/modelPicker';
import { ModelSelection } from './editor/modelSelection';
import { createOutputChannel } from './editor/outputChannel';
import { ResultsStore } from './editor/resultsStore';
import { registerRunCommands } from './editor/runCommands';
import { runDirOf, RunController } from './editor/runController';
import { ApiKeys, registerSecretCommands } from './editor/secrets';
import { ModelStatusBar } from './editor/statusBar';
import { ReportPanels } from './editor/reportPanel';
import { BaselineDeltas } from './editor/baselineDeltas';
import { RunsView } from './editor/runsView';
import { ScenarioTests } from './editor/testController';
import { RepositoryResultsGate } from './editor/trust';

/** What the extension returns from `activate`: its parts, for integration tests and other extensions. */
export interface DilemmaLensApi {
  readonly results: ResultsStore;
  readonly runs: RunController;
  readonly selection: ModelSelection;
  readonly picker: ModelPicker;
  readonly statusBar: ModelStatusBar;
  readonly decorations: ResultDecorations;
  readonly keys: ApiKeys;
  readonly tests: ScenarioTests;
  readonly reports: ReportPanels;
  readonly repositoryResults: RepositoryResultsGate;
  /** The Dilemma Runs view (issue 10 §3). */
  readonly runsView: RunsView;
  /** The baseline of each scenario file and the deltas on its lines (issue 10 §6). */
  readonly baselines: BaselineDeltas;
}

/** The editor's composition root: one owned context, disposed with the extension. */
class DilemmaContext implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  readonly cache = new ParseCache();
  readonly diagnostics: ScenarioDiagnostics;
  readonly api: DilemmaLensApi;

  constructor(context: vscode.ExtensionContext) {
    this.diagnostics = new ScenarioDiagnostics(this.cache);
    this.disposables.push(this.diagnostics, registerLanguageFeatures(this.cache), this.cache);

    const log = createOutputChannel();
    const keys = new ApiKeys(context.secrets);
    const selection = new ModelSelection(context.globalState);
    const repositoryResults = new RepositoryResultsGate();
    const results = new ResultsStore(runDirOf, repositoryResults);
    const runs = new RunController(results, selection, keys, log);
    const picker = new ModelPicker(selection, keys, log);
    const statusBar = new ModelStatusBar(selection);
    const lenses = new RunLenses(this.cache, selection, results);
    const decorations = new ResultDecorations(this.cache, results, selection);
    const loadResults = (doc: vscode.TextDocument): void => {
      if (doc.languageId === LANGUAGE_ID) void results.load(doc.uri, doc.getText());
    };
    vscode.workspace.textDocuments.forEach(loadResults);
    const reloadResults = (): void => vscode.workspace.textDocuments.forEach(loadResults);
    this.disposables.push(
      log, keys, selection, results, runs, statusBar, lenses, decorations,
      picker.register(), registerSecretCommands(keys), registerRunCommands(runs, results, log),
      vscode.languages.registerCodeLensProvider(SCENARIO_SELECTOR, lenses),
      new DivergenceView(results), new CompareView(results),
      vscode.workspace.onDidOpenTextDocument(loadResults),
      // Restricted Mode: the repository's saved results show after the opt-in, labelled; once trusted, as the workspace's own.
      vscode.commands.registerCommand(COMMANDS.showRepositoryResults, () => {
        repositoryResults.optIn();
        reloadResults();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        results.forgetFromRepository();
        reloadResults();
      }),
    );
    const tests = new ScenarioTests(runs);
    const reports = new ReportPanels({ extensionUri: context.extensionUri, runDirOf, savedResults: repositoryResults });
    const baselines = new BaselineDeltas(results);
    const runsView = new RunsView(results, baselines);
    this.disposables.push(tests, reports, baselines, runsView);
    this.api = { results, runs, selection, picker, statusBar, decorations, keys, tests, reports, repositoryResults, runsView, baselines };
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }
}

export function activate(context: vscode.ExtensionContext): DilemmaLensApi {
  const ctx = new DilemmaContext(context);
  context.subscriptions.push(ctx);
  return ctx.api;
}

export function deactivate(): void {}
