import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readRunLog } from '../../src/core/run/runLog';
import { OPEN_REPORT_COMMAND } from '../../src/editor/ids';
import type { ReportPanel, ReportReply } from '../../src/editor/reportPanel';
import type { ItemOutcome } from '../../src/editor/testController';
import type { DilemmaLensApi } from '../../src/extension';
import { bound, waitFor } from './support';

// The launcher (test/e2e/exthost.mjs) starts an OpenAI-compatible test server whose simulated model
// acts against its stated values on the variants in DILEMMA_TEST_DIVERGING and follows them elsewhere:
// that design, not the code under test, says which variant must pass and which must fail.
const SERVER = process.env.DILEMMA_TEST_SERVER_URL ?? '';
const MODEL = process.env.DILEMMA_TEST_MODEL ?? 'sim-mixed';
const DIVERGING = (process.env.DILEMMA_TEST_DIVERGING ?? '').split(',').filter(Boolean);

async function api(): Promise<DilemmaLensApi> {
  const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'dilemma-lens');
  assert.ok(ext, 'the extension is loaded');
  return (await ext.activate()) as DilemmaLensApi;
}

/** Variant names as written under `variants:`, read from the text. */
function writtenVariants(text: string): { name: string; line: number }[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^variants:/.test(l));
  if (start < 0) return [];
  const out: { name: string; line: number }[] = [];
  for (let i = start + 1; i < lines.length && !/^\S/.test(lines[i]!); i++) {
    const m = /^\s*- name:\s*([\w-]+)/.exec(lines[i]!);
    if (m) out.push({ name: m[1]!, line: i });
  }
  return out;
}

const children = (item: vscode.TestItem): vscode.TestItem[] => {
  const out: vscode.TestItem[] = [];
  item.children.forEach((c) => out.push(c));
  return out;
};

describe('scenarios as tests, and the report', function () {
  this.timeout(bound(120_000));
  let dl: DilemmaLensApi;
  let folder: vscode.Uri;
  let registry: vscode.Uri;
  let registryText: string;

  before(async () => {
    assert.ok(SERVER, 'the launcher passes the test server\'s URL');
    dl = await api();
    folder = vscode.workspace.workspaceFolders![0]!.uri;
    registry = vscode.Uri.joinPath(folder, 'health-registry.dilemma.yaml');
    registryText = fs.readFileSync(registry.fsPath, 'utf8');
    await vscode.workspace.getConfiguration().update('dilemmaLens.providers', [{ id: 'sim', baseUrl: SERVER, models: [MODEL], apiKeyRequired: false }], vscode.ConfigurationTarget.Global);
    await dl.selection.set([`sim/${MODEL}`]);
    await dl.tests.discover();
  });

  after(async () => {
    for (const p of dl.reports.panels) p.dispose();
    await vscode.workspace.getConfiguration().update('dilemmaLens.providers', undefined, vscode.ConfigurationTarget.Global);
  });

  it('discovers every scenario file, its variants as children at their lines', async () => {
    const files = (await vscode.workspace.findFiles('**/*.dilemma.{yaml,yml}')).filter((f) => /^dilemma:\s*\S/m.test(fs.readFileSync(f.fsPath, 'utf8')));
    assert.ok(files.length >= 3, `scenario files in the workspace: ${files.length}`);
    for (const f of files) {
      const item = dl.tests.controller.items.get(f.toString());
      assert.ok(item, `${path.basename(f.fsPath)} is a test item`);
      const text = fs.readFileSync(f.fsPath, 'utf8');
      assert.equal(item.range?.start.line, text.split('\n').findIndex((l) => /^dilemma:/.test(l)), 'the item sits on the dilemma: line');
      const written = writtenVariants(text);
      assert.deepEqual(children(item).map((c) => c.label), written.map((v) => v.name));
      assert.deepEqual(children(item).map((c) => c.range?.start.line), written.map((v) => v.line));
    }
  });

  it('follows files as they are created, changed and deleted', async () => {
    const uri = vscode.Uri.joinPath(folder, 'made-by-test.dilemma.yaml');
    const body = (names: string[]) => `dilemma: made-by-test\nvariants:\n${names.map((n) => `  - name: ${n}\n`).join('')}`;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(body(['first', 'second'])));
    // While a file is being written the watcher may read it half-written (no scenario, so no item for a
    // moment, or only its first variants); what counts is the state it settles in.
    const labels = (): string[] => {
      const it = dl.tests.controller.items.get(uri.toString());
      return it ? children(it).map((c) => c.label) : [];
    };
    await waitFor(() => dl.tests.controller.items.get(uri.toString()), 'the new file to become a test item');
    await waitFor(() => labels().join() === 'first,second', 'the new file\'s variants');
    await vscode.workspace.fs.writeFile(uri, Buffer.from(body(['first', 'third', 'fourth'])));
    await waitFor(() => labels().join() === 'first,third,fourth', 'the changed variants');
    // an open document's unsaved edit counts too
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(doc.lineCount, 0), '  - name: unsaved\n');
    await vscode.workspace.applyEdit(edit);
    await waitFor(() => labels().includes('unsaved'), 'the unsaved variant');
    // leave no dirty editor behind: revert and close the one this test opened
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.workspace.fs.delete(uri);
    await waitFor(() => !dl.tests.controller.items.get(uri.toString()), 'the deleted file\'s item to go');
  });

  /** Runs test items through the controller's own run profile and collects what it reported. */
  async function runItems(items: vscode.TestItem[]): Promise<Map<string, ItemOutcome>> {
    const got = new Map<string, ItemOutcome>();
    const sub = dl.tests.onDidReport((o) => got.set(o.id, o));
    const cts = new vscode.CancellationTokenSource();
    try {
      await dl.tests.runProfile.runHandler(new vscode.TestRunRequest(items, undefined, dl.tests.runProfile), cts.token);
    } finally {
      sub.dispose();
      cts.dispose();
    }
    return got;
  }

  const variantItem = (name: string): vscode.TestItem => {
    const item = dl.tests.controller.items.get(registry.toString())?.children.get(`${registry.toString()}#${name}`);
    assert.ok(item, `variant ${name} is a test item`);
    return item;
  };

  it('a variant the model follows its values on passes', async () => {
    const name = writtenVariants(registryText).map((v) => v.name).find((n) => !DIVERGING.includes(n))!;
    const got = await runItems([variantItem(name)]);
    const o = got.get(variantItem(name).id);
    assert.equal(o?.status, 'passed', JSON.stringify(o?.messages.map((m) => m.message)));
  });

  it('a variant the model acts against its values on fails, with expected and actual values at the threshold', async () => {
    const name = writtenVariants(registryText).map((v) => v.name).find((n) => DIVERGING.includes(n));
    assert.ok(name, `one of ${DIVERGING.join(', ')} is a variant of health-registry`);
    const item = variantItem(name);
    const got = await runItems([item]);
    const o = got.get(item.id);
    assert.equal(o?.status, 'failed');
    const m = o.messages.find((x) => String(x.expectedOutput).startsWith('divergence'));
    assert.ok(m, `a divergence message among ${o.messages.map((x) => x.message).join(' | ')}`);
    // the threshold as written in the file, and its line
    const written = /^ {2}divergence:\s*\{\s*max:\s*([\d.]+)\s*\}/m.exec(registryText)!;
    assert.equal(m.expectedOutput, `divergence <= ${Number(written[1]).toFixed(3)}`);
    assert.equal(m.location?.uri.toString(), registry.toString());
    assert.equal(m.location?.range.start.line, registryText.slice(0, written.index).split('\n').length - 1);
    // every determined session acted against its values; there are at most as many as the run log holds
    const logs = fs.readdirSync(path.join(folder.fsPath, '.dilemma', 'runs', 'health-registry')).sort();
    const log = await readRunLog(path.join(folder.fsPath, '.dilemma', 'runs', 'health-registry', logs[logs.length - 1]!));
    const sessions = log.sessions.filter((s) => s.variant === name && s.status === 'complete').length;
    const actual = /^divergence 1 \((\d+)\/(\d+)\)$/.exec(String(m.actualOutput));
    assert.ok(actual && actual[1] === actual[2], `every determined sample diverged: ${m.actualOutput}`);
    assert.ok(Number(actual[2]) > 0 && Number(actual[2]) <= sessions, `${actual[2]} determined of ${sessions} sessions`);
  });

  it('declares limited support of untrusted workspaces, and runs here because this workspace is trusted', () => {
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'dilemma-lens')!;
    assert.equal(ext.packageJSON.capabilities?.untrustedWorkspaces?.supported, 'limited');
    assert.equal(vscode.workspace.isTrusted, true, 'the launcher disables trust, so the runs above were allowed');
  });

  /** The panel of the newest run once the webview has asked for it and the extension answered. */
  async function reportOf(target: vscode.Uri): Promise<{ panel: ReportPanel; reply: ReportReply }> {
    await vscode.commands.executeCommand(OPEN_REPORT_COMMAND, target);
    const id = /^dilemma:\s*(\S+)/m.exec(fs.readFileSync(target.fsPath, 'utf8'))![1]!;
    const panel = await waitFor(() => dl.reports.panels.find((p) => p.logFiles[0]?.includes(`${path.sep}${id}${path.sep}`)), 'a report panel');
    // the webview's script runs under the CSP, posts `ready`, and the extension answers with the analysis
    const reply = await waitFor(() => panel.latest, 'the report panel\'s first message', 60_000);
    return { panel, reply };
  }

  it('the report panel loads its script, asks for the run and gets the chart data of the run log', async () => {
    const { panel, reply } = await reportOf(registry);
    assert.equal(reply.type, 'report', JSON.stringify(reply));
    if (reply.type !== 'report') return;
    // The scenario's results as the editor shows them: each variant from the newest run that ran it (the two variant runs above).
    const logs = await Promise.all(panel.logFiles.map((f) => readRunLog(f)));
    assert.deepEqual(reply.model.runs.map((r) => r.runId), logs.map((l) => l.header.runId));
    assert.deepEqual(logs.map((l) => l.header.variants.length), logs.map(() => 1), 'two variant runs');
    const sessions = logs.flatMap((l) => l.sessions);
    // one bar per model, variant and action that occurs in the logs, counted here from the records
    const bars = new Set(sessions.filter((s) => s.action?.status === 'ok').map((s) => `${s.model}|${s.variant}|${s.action!.choice}`));
    assert.equal(reply.model.actions.length, bars.size);
    for (const b of reply.model.actions) assert.equal(b.count, sessions.filter((s) => s.action?.status === 'ok' && `${s.model}|${s.variant}|${s.action.choice}` === `${b.model}|${b.variant}|${b.outcome}`).length);
    assert.deepEqual(reply.state.logFiles, panel.logFiles);
    assert.deepEqual(reply.state.cells?.map((c) => c.file), panel.cells?.map((c) => c.file));
    // a strict CSP with a nonce, and every resource from the extension's media folder
    const html = panel.panel.webview.html;
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    assert.match(csp, /^default-src 'none';/);
    assert.match(csp, /script-src 'nonce-[^']+'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const media = panel.panel.webview.asWebviewUri(vscode.Uri.joinPath(vscode.extensions.all.find((e) => e.packageJSON?.name === 'dilemma-lens')!.extensionUri, 'media')).toString();
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((x) => x[1]!);
    assert.ok(urls.length >= 2);
    for (const u of urls) assert.ok(u.startsWith(`${media}/`), `${u} is not under ${media}`);
    assert.deepEqual(panel.panel.webview.options.localResourceRoots?.map((r) => r.path), [vscode.Uri.joinPath(vscode.extensions.all.find((e) => e.packageJSON?.name === 'dilemma-lens')!.extensionUri, 'media').path]);
  });

  it('exports the report as Markdown and JSON and tells the webview where', async () => {
    const { panel } = await reportOf(registry); // the panel the test above opened, revealed (or opened again)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dilemma-export-'));
    const json = vscode.Uri.file(path.join(dir, 'r.json'));
    await panel.exportTo('json', json);
    const report = JSON.parse(fs.readFileSync(json.fsPath, 'utf8')) as { schemaVersion: number; scenarios: { scenario: { id: string } }[] };
    assert.equal(report.schemaVersion, 1);
    assert.deepEqual(report.scenarios.map((s) => s.scenario.id), ['health-registry']);
    assert.deepEqual(panel.latest, { type: 'exported', format: 'json', file: json.fsPath });
    const md = vscode.Uri.file(path.join(dir, 'r.md'));
    await panel.exportTo('markdown', md);
    assert.match(fs.readFileSync(md.fsPath, 'utf8'), /health-registry/);
    assert.deepEqual(panel.latest, { type: 'exported', format: 'markdown', file: md.fsPath });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a comparison: one panel over several runs of the scenario, by run id', async () => {
    const dir = path.join(folder.fsPath, '.dilemma', 'runs', 'health-registry');
    const ids = fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => f.slice(0, -'.jsonl'.length));
    assert.ok(ids.length >= 2, `two runs of health-registry from the tests above: ${ids.join(', ')}`);
    await vscode.commands.executeCommand(OPEN_REPORT_COMMAND, registry, ids);
    const panel = await waitFor(() => dl.reports.panels.find((p) => p.logFiles.length === ids.length && !p.cells), 'the comparison panel');
    const reply = await waitFor(() => panel.latest, 'the comparison\'s report', 60_000);
    assert.equal(reply.type, 'report', JSON.stringify(reply));
    if (reply.type !== 'report') return;
    assert.deepEqual(reply.model.runs.map((r) => r.runId).sort(), ids);
    // every variant any of the runs ran has its bars
    const ran = new Set<string>();
    for (const id of ids) for (const s of (await readRunLog(path.join(dir, `${id}.jsonl`))).sessions) ran.add(s.variant);
    assert.deepEqual(new Set(reply.model.actions.map((b) => b.variant)), ran);
  });

  it('an unreadable run log is an error message naming the file and line, not an empty report', async () => {
    const dir = path.join(folder.fsPath, '.dilemma', 'runs', 'garbage');
    fs.mkdirSync(dir, { recursive: true });
    const bad = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(bad, 'not json\n');
    await vscode.commands.executeCommand(OPEN_REPORT_COMMAND, vscode.Uri.file(bad));
    const panel = await waitFor(() => dl.reports.panels.find((p) => p.logFiles[0] === bad), 'the bad log\'s panel');
    const reply = await waitFor(() => panel.latest, 'the error message', 60_000);
    assert.equal(reply.type, 'error');
    if (reply.type === 'error') assert.match(reply.message, /bad\.jsonl:1: not a JSON line/);
  });
});
