import * as vscode from 'vscode';
import { pickSession, transcriptDocument } from '../core/view/transcriptDocument';
import { COMMANDS, TRANSCRIPT_SCHEME } from './ids';
import { askVariant, parseResultUri, scenarioArg } from './divergenceView';
import type { ResultsStore } from './resultsStore';

/** `dilemma-transcript:/<variant> transcript.md?<scenario uri>`: the transcript of a variant's first sample. */
export function transcriptUri(scenario: vscode.Uri, variant: string): vscode.Uri {
  return vscode.Uri.from({ scheme: TRANSCRIPT_SCHEME, path: `/${encodeURIComponent(variant)} transcript.md`, query: scenario.toString() });
}

/** "Compare with baseline": VS Code's diff editor on the baseline's and a variant's transcripts (same persona and sample). */
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
        const left = transcriptUri(uri, baseline);
        const right = transcriptUri(uri, variant);
        await vscode.commands.executeCommand('vscode.diff', left, right, `${baseline} ↔ ${variant} (transcripts)`, { preview: true });
        return [left.toString(), right.toString()];
      }),
    ];
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const { scenario, variant } = parseResultUri(uri);
    const results = this.store.get(scenario);
    const model = results?.analysis?.models[0];
    if (!results || !model) return `No results for ${scenario.fsPath} yet: run it first.\n`;
    return transcriptDocument(pickSession(results.records, model, variant), variant);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }
}
