import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { isMap, isScalar, isSeq, parse, parseDocument } from 'yaml';
import { annotations, openWorkspaceFile, revertAndCloseAll, waitFor } from './support';

const EXTENSION_ID = 'dilemma-lens.dilemma-lens';
const isExample = (t: string): boolean => /^variants:/m.test(t) && /\{\{/.test(t) && /^\s+expect:\s*$/m.test(t);

function dilemmaDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'dilemma');
}

describe('Dilemma Lens in the extension host', () => {
  afterEach(revertAndCloseAll);

  // An edit below that stayed dirty for a second was saved by VS Code for the web's default auto-save,
  // and broke the examples for every later test; the launcher turns it off.
  it('runs with auto-save off, so edits the tests revert never reach the workspace', () => {
    assert.equal(vscode.workspace.getConfiguration('files').get('autoSave'), 'off');
  });

  it('activates on a scenario file and gives it the dilemma language', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    const editor = await openWorkspaceFile('**/*.dilemma.yaml');
    assert.equal(editor.document.languageId, 'dilemma');
    await waitFor(() => ext.isActive, 'the extension to activate');
  });

  it('puts diagnostics on the ranges the broken fixture marks', async () => {
    const editor = await openWorkspaceFile('**/broken.dilemma.yaml');
    const doc = editor.document;
    const expected = annotations(doc.getText());
    assert.ok(expected.length >= 3, 'the fixture marks its mistakes');
    const diags = await waitFor(() => {
      const d = dilemmaDiagnostics(doc.uri);
      return d.length >= expected.length ? d : undefined;
    }, 'diagnostics on broken.dilemma.yaml');
    for (const a of expected) {
      const want = new vscode.Range(a.line, a.start, a.line, a.end);
      const hit = diags.find((d) => d.code === a.code && d.range.isEqual(want));
      assert.ok(hit, `no ${a.code} at ${a.line + 1}:${a.start + 1}-${a.end + 1}; got ${diags.map((d) =>
        `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.character + 1}`).join(', ')}`);
      assert.ok(hit.message.length > 0);
    }
    const unmarked = diags.filter((d) => d.severity === vscode.DiagnosticSeverity.Error &&
      !expected.some((a) => d.code === a.code && d.range.start.line === a.line));
    assert.deepEqual(unmarked.map((d) => `${d.code}@${d.range.start.line + 1}`), [], 'errors the fixture does not mark');
  });

  it('re-checks after an edit and clears the diagnostics when the file is closed', async () => {
    const editor = await openWorkspaceFile('**/broken.dilemma.yaml');
    const doc = editor.document;
    const [typo] = annotations(doc.getText()).filter((a) => a.code === 'unknown-key');
    assert.ok(typo);
    const range = new vscode.Range(typo.line, typo.start, typo.line, typo.end);
    await waitFor(() => dilemmaDiagnostics(doc.uri).some((d) => d.range.isEqual(range)), 'the unknown-key diagnostic');
    await editor.edit((e) => e.replace(range, 'label'));
    await waitFor(() => !dilemmaDiagnostics(doc.uri).some((d) => d.code === 'unknown-key'), 'the diagnostic to go after the edit');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await waitFor(() => dilemmaDiagnostics(doc.uri).length === 0, 'diagnostics to clear on close');
  });

  it('offers the file\'s missing value names inside expect', async () => {
    const editor = await openWorkspaceFile('**/*.dilemma.yaml', isExample);
    const doc = editor.document;
    const data = parse(doc.getText()) as { values: Record<string, unknown>; action: { expect: Record<string, unknown> } };
    const valueNames = Object.keys(data.values);
    const lines = doc.getText().split('\n');
    const expectLine = lines.findIndex((l) => /^\s+expect:\s*$/.test(l));
    const entry = expectLine + 1;
    const removed = /^\s*([A-Za-z0-9_-]+):/.exec(lines[entry] ?? '')?.[1];
    assert.ok(removed && valueNames.includes(removed), `the line after expect: names a value (${lines[entry]})`);
    const indent = (lines[entry] ?? '').length - (lines[entry] ?? '').trimStart().length;
    await editor.edit((e) => e.replace(doc.lineAt(entry).range, ' '.repeat(indent)));
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(entry, indent));
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes(removed), `completion at expect offers ${removed}: got ${labels.join(', ')}`);
    for (const other of Object.keys(data.action.expect).filter((n) => n !== removed)) {
      assert.ok(!labels.includes(other), `${other} already has an expect entry but is offered again`);
    }
  });

  it('offers the file\'s var names after {{ in a template', async () => {
    const editor = await openWorkspaceFile('**/*.dilemma.yaml', isExample);
    const doc = editor.document;
    const data = parse(doc.getText()) as { vars?: Record<string, unknown> };
    const vars = Object.keys(data.vars ?? {});
    assert.ok(vars.length > 0, 'the example defines vars');
    const line = doc.getText().split('\n').findIndex((l) => /^\s+[^#\s].*\{\{/.test(l) && !/^\s*#/.test(l));
    assert.ok(line >= 0);
    const end = doc.lineAt(line).range.end;
    await editor.edit((e) => e.insert(end, ' {{'));
    const at = new vscode.Position(line, end.character + 3);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, at);
    const labels = list.items.filter((i) => i.kind === vscode.CompletionItemKind.Variable).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const v of vars) assert.ok(labels.includes(v), `{{ completion lacks ${v}: got ${labels.join(', ')}`);
  });

  it('shows what a placeholder resolves to in each variant on hover', async () => {
    const editor = await openWorkspaceFile('**/*.dilemma.yaml', isExample);
    const doc = editor.document;
    const text = doc.getText();
    const data = parse(text) as { vars?: Record<string, unknown>; variants: { name: string; vars?: Record<string, unknown> }[] };
    const defaults = data.vars ?? {};
    const m = [...text.matchAll(/\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/g)].find((x) => x[1] && x[1] in defaults && !/#[^\n]*$/.test(text.slice(text.lastIndexOf('\n', x.index) + 1, x.index)));
    assert.ok(m && m[1] && m.index !== undefined, 'the example uses a placeholder with a default');
    const name = m[1];
    const pos = doc.positionAt(m.index + m[0].indexOf(name) + 1);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos);
    const shown = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    for (const v of data.variants) {
      const value = String(v.vars?.[name] ?? defaults[name]);
      // read as Markdown reads it: a backslash before ASCII punctuation shows the character (texts from the file are escaped)
      const row = shown.split('\n').map((l) => l.replace(/\\([!-/:-@[-`{-~])/g, '$1')).find((l) => l.startsWith(`| ${v.name} |`));
      assert.ok(row, `hover has a row for variant ${v.name}:\n${shown}`);
      assert.ok(row.includes(value), `variant ${v.name}: ${name} should be "${value}", hover row: ${row}`);
    }
  });

  it('lists values, the action and the variants in the outline', async () => {
    const editor = await openWorkspaceFile('**/*.dilemma.yaml', isExample);
    const doc = editor.document;
    const yd = parseDocument(doc.getText());
    const variants = yd.get('variants');
    const values = yd.get('values');
    assert.ok(isSeq(variants) && isMap(values));
    const wantVariants = variants.items.map((v) => String((v as { get(k: string): unknown }).get('name')));
    const wantValues = values.items.map((p) => String(isScalar(p.key) ? p.key.value : p.key));
    const symbols = await waitFor(() => vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri)
      .then((s) => (s && s.length ? s : undefined)), 'document symbols');
    const byName = (n: string) => symbols.find((s) => s.name === n);
    assert.deepEqual(byName('variants')?.children.map((c) => c.name), wantVariants);
    assert.deepEqual(byName('values')?.children.map((c) => c.name), wantValues);
    assert.ok((byName('values')?.children[0]?.children.length ?? 0) > 0, 'a value lists its items');
    assert.ok(byName('action'), 'the action is in the outline');
    // the variant symbol points at the variant's name in the file
    const first = byName('variants')?.children[0];
    assert.equal(first && doc.getText(first.selectionRange), wantVariants[0]);
  });

  it('quick fix replaces a misspelt key with the one it meant', async () => {
    const editor = await openWorkspaceFile('**/broken.dilemma.yaml');
    const doc = editor.document;
    const [typo] = annotations(doc.getText()).filter((a) => a.code === 'unknown-key');
    assert.ok(typo);
    const range = new vscode.Range(typo.line, typo.start, typo.line, typo.end);
    await waitFor(() => dilemmaDiagnostics(doc.uri).some((d) => d.range.isEqual(range)), 'the unknown-key diagnostic');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, range);
    const fix = actions.find((a) => a.kind?.value === 'quickfix' && a.edit && /label/.test(a.title));
    assert.ok(fix?.edit, `a quick fix towards "label": got ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.lineAt(typo.line).text, /^\s+label: Privacy concern$/);
    await waitFor(() => !dilemmaDiagnostics(doc.uri).some((d) => d.code === 'unknown-key'), 'the unknown-key diagnostic to go');
  });
});
