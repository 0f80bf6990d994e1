import * as vscode from 'vscode';
import { parseScenario } from '../core/scenario/parse';
import { variantCompareDocuments } from '../core/view/variantCompareDocument';
import { COMMANDS, TRANSCRIPT_SCHEME } from './ids';
import { askVariant, parseResultUri, scenarioArg } from './divergenceView';
import type { ResultsStore } from './resultsStore';

/**
 * `dilemma-transcript:/<shown variant> compare.md?<scenario uri>#<compared variant>`: one side of the
 * comparison of `compared` with the baseline (`shown` is the baseline's name on the left, `compared` on the right).
 */
export function compareUri(scenario: vscode.Uri, shown: string, compared: string): vscode.Uri {
  return vscode.Uri.from({ scheme: TRANSCRIPT_SCHEME, path: `/${encodeURIComponent(shown)} compare.md`, query: scenario.toString(), fragment: encodeURIComponent(compared) });
}

/**
 * "Compare with baseline": VS Code's diff editor on what a variant changed against the baseline (the
 * scenario's first variant): the prompts as rendered from the file as it is now (system prompt, the items
 * whose text differs, the action prompt), then the modal answers of the shown results' first model
 * (src/core/view/variantCompareDocument.ts).
 */
export class CompareView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly store: ResultsStore) {
    this.subscriptions = [
      vscode.workspace.registerTextDocumentContentProvider(TRANSCRIPT_SCHEME, this),
      store.onDidChange((changed) => {
        for (const doc of vscode.workspace.textDocuments) {
          if (doc.uri.scheme === TRANSCRIPT_SCHEME && parseResultUri(doc.uri).scenario.toString() === changed.toString()) this.emitter.fire(doc.uri);
        }
      }),
      vscode.commands.registerCommand(COMMANDS.compareWithBaseline, async (uriArg?: unknown, variantArg?: string) => {
        const uri = scenarioArg(uriArg);
        if (!uri) return undefined;
        const variant = variantArg ?? (await askVariant(this.store, uri, true));
        const baseline = this.store.get(uri)?.analysis?.variants[0];
        if (!variant || !baseline) return undefined;
        const left = compareUri(uri, baseline, variant);
        const right = compareUri(uri, variant, variant);
        await vscode.commands.executeCommand('vscode.diff', left, right, `${baseline} ↔ ${variant} (prompts and modal answers)`, { preview: true });
        return [left.toString(), right.toString()];
      }),
    ];
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const { scenario: file, variant: shown } = parseResultUri(uri);
    const compared = decodeURIComponent(uri.fragment);
    const results = this.store.get(file);
    // the prompts of the file as it is now (open and maybe unsaved), else of the text the results were computed from
    const text = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.toString())?.getText() ?? this.store.textOf(file);
    const scenario = text === undefined ? undefined : parseScenario(text).scenario;
    if (!scenario) return `No scenario could be read from ${file.fsPath}: fix its errors first.\n`;
    const docs = variantCompareDocuments(scenario, compared, results?.records ?? [], results?.analysis?.models[0]);
    return shown === compared ? docs.variant : docs.baseline;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }
}
