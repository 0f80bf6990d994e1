import * as vscode from 'vscode';
import { parseScenario, type ParsedScenario } from '../core/scenario/parse';
import type { Span } from '../core/scenario/model';
import { LANGUAGE_ID } from './ids';

/** The document selector of scenario files. */
export const SCENARIO_SELECTOR: vscode.DocumentSelector = { language: LANGUAGE_ID };

/** Parses a document, reusing the last parse while its version is unchanged (owned per provider set, not global). */
export class ParseCache implements vscode.Disposable {
  private readonly entries = new Map<string, { version: number; parsed: ParsedScenario }>();

  get(doc: vscode.TextDocument): ParsedScenario {
    const key = doc.uri.toString();
    const hit = this.entries.get(key);
    if (hit && hit.version === doc.version) return hit.parsed;
    const parsed = parseScenario(doc.getText());
    this.entries.set(key, { version: doc.version, parsed });
    return parsed;
  }

  forget(doc: vscode.TextDocument): void {
    this.entries.delete(doc.uri.toString());
  }

  dispose(): void {
    this.entries.clear();
  }
}

/** A core offset span as an editor range. */
export function toRange(doc: vscode.TextDocument, span: Span): vscode.Range {
  return new vscode.Range(doc.positionAt(span.start), doc.positionAt(span.end));
}
