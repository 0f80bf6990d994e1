import * as vscode from 'vscode';
import { contradictedLines, divergenceDocument } from '../core/view/divergenceDocument';
import { parseScenario } from '../core/scenario/parse';
import { COLORS, COMMANDS, DIVERGENCE_SCHEME } from './ids';
import type { ResultsStore } from './resultsStore';

/** `dilemma-divergence:/<variant>.md?<scenario uri>`: one read-only document per variant of a scenario file. */
export function divergenceUri(scenario: vscode.Uri, variant: string): vscode.Uri {
  return vscode.Uri.from({ scheme: DIVERGENCE_SCHEME, path: `/${encodeURIComponent(variant)} divergence.md`, query: scenario.toString() });
}

/** Reads the scenario URI and variant back from a result document URI (`<variant> <suffix>.md?<scenario>`). */
export function parseResultUri(uri: vscode.Uri): { scenario: vscode.Uri; variant: string } {
  const name = uri.path.slice(1).replace(/ [^ ]+\.md$/, '');
  return { scenario: vscode.Uri.parse(uri.query), variant: decodeURIComponent(name) };
}

/** Asks for a variant of the file's results when a command was given none. */
export async function askVariant(store: ResultsStore, uri: vscode.Uri, skipBaseline: boolean): Promise<string | undefined> {
  const variants = store.get(uri)?.analysis?.variants ?? [];
  const offered = skipBaseline ? variants.slice(1) : variants;
  if (offered.length === 0) {
    void vscode.window.showInformationMessage('Dilemma Lens: no results for this file yet; run it first.');
    return undefined;
  }
  return offered.length === 1 ? offered[0] : vscode.window.showQuickPick(offered, { title: 'Which variant?' });
}

/** The current scenario file: a URI argument (string or Uri) or the active editor's. */
export function scenarioArg(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return vscode.Uri.parse(arg);
  return vscode.window.activeTextEditor?.document.uri;
}

/** The divergence view: stated answers beside the action, per sample, the contradicted statements marked. */
export class DivergenceView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];
  /** Highlights the statements the action contradicts, on every pass for every visible divergence document. */
  private readonly contradicted = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor(COLORS.changedWordBackground),
    overviewRulerColor: new vscode.ThemeColor(COLORS.diverging),
  });

  constructor(private readonly store: ResultsStore) {
    this.subscriptions = [
      this.contradicted,
      vscode.window.onDidChangeVisibleTextEditors(() => this.highlight()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme === DIVERGENCE_SCHEME) this.highlight();
      }),
      vscode.workspace.registerTextDocumentContentProvider(DIVERGENCE_SCHEME, this),
      store.onDidChange((changed) => {
        for (const doc of vscode.workspace.textDocuments) {
          if (doc.uri.scheme === DIVERGENCE_SCHEME && parseResultUri(doc.uri).scenario.toString() === changed.toString()) this.emitter.fire(doc.uri);
        }
      }),
      vscode.commands.registerCommand(COMMANDS.showDivergence, async (uriArg?: unknown, variantArg?: string) => {
        const uri = scenarioArg(uriArg);
        if (!uri) return undefined;
        const variant = variantArg ?? (await askVariant(this.store, uri, false));
        if (!variant) return undefined;
        const doc = await vscode.workspace.openTextDocument(divergenceUri(uri, variant));
        await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
        return doc.uri.toString();
      }),
    ];
  }

  private highlight(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.scheme !== DIVERGENCE_SCHEME) continue;
      editor.setDecorations(this.contradicted, contradictedLines(editor.document.getText()).map((l) => editor.document.lineAt(l).range));
    }
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const { scenario: file, variant } = parseResultUri(uri);
    const results = this.store.get(file);
    const text = this.store.textOf(file);
    const scenario = text !== undefined ? parseScenario(text).scenario : undefined;
    if (!results?.analysis || !scenario) return `No results for ${file.fsPath} yet: run it first.\n`;
    return divergenceDocument(scenario, results.analysis, results.records, variant);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }
}
