import * as vscode from 'vscode';
import type { Problem } from '../core/scenario/model';
import { validateScenario } from '../core/scenario/validate';
import { DEFAULT_DEBOUNCE_MS, DIAGNOSTIC_SOURCE, LANGUAGE_ID, SETTINGS } from './ids';
import { toRange, type ParseCache } from './scenarioDocuments';

const SEVERITY: Record<Problem['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** A scenario problem as an editor diagnostic on its exact range. */
export function toDiagnostic(doc: vscode.TextDocument, p: Problem): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(doc, p.range), p.message, SEVERITY[p.severity]);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = p.code;
  return d;
}

/** Problems of open scenario files: checked on open, re-checked after edits (debounced), cleared on close. */
export class ScenarioDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly cache: ParseCache) {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.check(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d)),
      // Closing the last tab does not close the document model right away; clear its problems then too.
      vscode.window.tabGroups.onDidChangeTabs((e) => { this.clearClosedTabs(e.closed); this.checkOpenedTabs(e.opened); }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTINGS.validationEnabled)) this.checkAll();
      }),
    );
    this.checkAll();
  }

  private enabled(doc: vscode.TextDocument): boolean {
    return vscode.workspace.getConfiguration(undefined, doc.uri).get<boolean>(SETTINGS.validationEnabled, true);
  }

  private checkAll(): void {
    for (const d of vscode.workspace.textDocuments) this.check(d);
  }

  /** Validates now. */
  check(doc: vscode.TextDocument): void {
    if (doc.languageId !== LANGUAGE_ID) return;
    this.cancel(doc);
    if (!this.enabled(doc)) { this.collection.delete(doc.uri); return; }
    const problems = validateScenario(this.cache.get(doc));
    this.collection.set(doc.uri, problems.map((p) => toDiagnostic(doc, p)));
  }

  private schedule(doc: vscode.TextDocument): void {
    if (doc.languageId !== LANGUAGE_ID) return;
    this.cancel(doc);
    const ms = vscode.workspace.getConfiguration(undefined, doc.uri).get<number>(SETTINGS.validationDebounceMs, DEFAULT_DEBOUNCE_MS);
    this.timers.set(doc.uri.toString(), setTimeout(() => this.check(doc), Math.max(0, ms)));
  }

  private cancel(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  /** A document whose tab was closed may come back without a new open event. */
  private checkOpenedTabs(opened: readonly vscode.Tab[]): void {
    for (const tab of opened) {
      if (!(tab.input instanceof vscode.TabInputText)) continue;
      const uri = tab.input.uri.toString();
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
      if (doc) this.check(doc);
    }
  }

  private clearClosedTabs(closed: readonly vscode.Tab[]): void {
    const shown = new Set(vscode.window.tabGroups.all.flatMap((g) => g.tabs)
      .map((t) => (t.input instanceof vscode.TabInputText ? t.input.uri.toString() : undefined)));
    for (const tab of closed) {
      if (!(tab.input instanceof vscode.TabInputText) || shown.has(tab.input.uri.toString())) continue;
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === (tab.input as vscode.TabInputText).uri.toString());
      if (doc) this.clear(doc);
      else this.collection.delete(tab.input.uri);
    }
  }

  private clear(doc: vscode.TextDocument): void {
    this.cancel(doc);
    this.collection.delete(doc.uri);
    this.cache.forget(doc);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}
