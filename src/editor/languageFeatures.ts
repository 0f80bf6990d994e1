import * as vscode from 'vscode';
import { completeAt, type CompletionCandidate } from '../core/scenario/completion';
import { hoverAt } from '../core/scenario/hover';
import { outline, type OutlineNode } from '../core/scenario/outline';
import { validateScenario } from '../core/scenario/validate';
import { DIAGNOSTIC_SOURCE } from './ids';
import { SCENARIO_SELECTOR, toRange, type ParseCache } from './scenarioDocuments';

const COMPLETION_KIND: Record<CompletionCandidate['kind'], vscode.CompletionItemKind> = {
  field: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.Reference,
  choice: vscode.CompletionItemKind.EnumMember,
  placeholder: vscode.CompletionItemKind.Variable,
  variable: vscode.CompletionItemKind.Variable,
  enum: vscode.CompletionItemKind.Value,
};

const SYMBOL_KIND: Record<OutlineNode['kind'], vscode.SymbolKind> = {
  field: vscode.SymbolKind.Field,
  values: vscode.SymbolKind.Namespace,
  value: vscode.SymbolKind.Class,
  item: vscode.SymbolKind.String,
  action: vscode.SymbolKind.Event,
  choice: vscode.SymbolKind.EnumMember,
  arbitration: vscode.SymbolKind.Namespace,
  rule: vscode.SymbolKind.Boolean,
  variants: vscode.SymbolKind.Namespace,
  variant: vscode.SymbolKind.Variable,
};

function toSymbol(doc: vscode.TextDocument, n: OutlineNode): vscode.DocumentSymbol {
  const range = toRange(doc, n.range);
  const sel = toRange(doc, n.selectionRange);
  const s = new vscode.DocumentSymbol(n.name, n.detail ?? '', SYMBOL_KIND[n.kind], range, range.contains(sel) ? sel : range);
  s.children = n.children.map((c) => toSymbol(doc, c));
  return s;
}

/** Completion, hover, outline and "did you mean" fixes for scenario files, all answered by the core. */
export function registerLanguageFeatures(cache: ParseCache): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.languages.registerCompletionItemProvider(SCENARIO_SELECTOR, {
      provideCompletionItems(doc, pos) {
        return completeAt(cache.get(doc), doc.offsetAt(pos)).map((c) => {
          const item = new vscode.CompletionItem(c.label, COMPLETION_KIND[c.kind]);
          item.insertText = c.insertText;
          item.range = toRange(doc, c.range);
          item.detail = c.detail;
          if (c.documentation) item.documentation = new vscode.MarkdownString(c.documentation);
          return item;
        });
      },
    }, '{', ' ', ':', '-', '['),
    vscode.languages.registerHoverProvider(SCENARIO_SELECTOR, {
      provideHover(doc, pos) {
        const h = hoverAt(cache.get(doc), doc.offsetAt(pos));
        return h && new vscode.Hover(new vscode.MarkdownString(h.markdown), toRange(doc, h.range));
      },
    }),
    vscode.languages.registerDocumentSymbolProvider(SCENARIO_SELECTOR, {
      provideDocumentSymbols(doc) {
        return outline(cache.get(doc)).map((n) => toSymbol(doc, n));
      },
    }, { label: 'Dilemma scenario' }),
    vscode.languages.registerCodeActionsProvider(SCENARIO_SELECTOR, {
      provideCodeActions(doc, range, context) {
        const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
        const actions: vscode.CodeAction[] = [];
        for (const p of validateScenario(cache.get(doc))) {
          const pr = toRange(doc, p.range);
          if (!p.fixes?.length || !pr.intersection(range)) continue;
          const diag = ours.find((d) => d.code === p.code && d.range.isEqual(pr));
          for (const f of p.fixes) {
            const a = new vscode.CodeAction(f.title, vscode.CodeActionKind.QuickFix);
            a.edit = new vscode.WorkspaceEdit();
            a.edit.replace(doc.uri, toRange(doc, f.range), f.replacement);
            if (diag) { a.diagnostics = [diag]; a.isPreferred = p.fixes.length === 1; }
            actions.push(a);
          }
        }
        return actions;
      },
    }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  );
}
