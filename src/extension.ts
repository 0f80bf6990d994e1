import * as vscode from 'vscode';
import { ScenarioDiagnostics } from './editor/diagnostics';
import { registerLanguageFeatures } from './editor/languageFeatures';
import { ParseCache } from './editor/scenarioDocuments';

/** The editor's composition root: one owned context, disposed with the extension. */
class DilemmaContext implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  readonly cache = new ParseCache();
  readonly diagnostics: ScenarioDiagnostics;

  constructor() {
    this.diagnostics = new ScenarioDiagnostics(this.cache);
    this.disposables.push(this.diagnostics, registerLanguageFeatures(this.cache), this.cache);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }
}

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(new DilemmaContext());
}

export function deactivate(): void {}
