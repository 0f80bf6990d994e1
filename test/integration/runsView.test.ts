import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunComparison, VariantComparison } from '../../src/core/analysis/compare';
import { readRunLog } from '../../src/core/run/runLog';
import { parseScenario } from '../../src/core/scenario/parse';
import { decorationPlan } from '../../src/core/view/decorationPlan';
import { deltaKind, variantDeltaText } from '../../src/core/view/deltaPlan';
import type { RunNode, ScenarioRunsNode } from '../../src/core/view/runsTree';
import type { DilemmaLensApi } from '../../src/extension';
import { RUNS_COMMANDS } from '../../src/editor/ids';
import { bound, waitFor } from './support';

// The Dilemma Runs view and the baseline deltas (issue 10 §3, §6), against the launcher's test server
// (test/e2e/exthost.mjs): two good runs and a failed one (server down) of a small copy of the
// school-records example, then show, baseline and delete through the view's commands.
const FAST = process.env.DILEMMA_TEST_SERVER_URL ?? '';
const MODEL = process.env.DILEMMA_TEST_MODEL ?? 'sim-mixed';
const ID = 'runs-view-demo';

async function api(): Promise<DilemmaLensApi> {
  const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'dilemma-lens');
  assert.ok(ext, 'the extension is loaded');
  return (await ext.activate()) as DilemmaLensApi;
}

type Outcome = Awaited<ReturnType<DilemmaLensApi['runs']['run']>>;

describe('the Dilemma Runs view and baseline deltas', function () {
  this.timeout(bound(120_000));
  let dl: DilemmaLensApi;
  let uri: vscode.Uri;
  let file: string;
  let first: NonNullable<Outcome>;
  let second: NonNullable<Outcome>;
  let failedLog: string;
  const providers = (simUrl: string): unknown[] => [{ id: 'sim', baseUrl: simUrl, apiKeyRequired: false }];

  const scenarioNode = async (): Promise<ScenarioRunsNode> => {
    const roots = await dl.runsView.reload();
    const node = roots.find((n) => n.file === file);
    assert.ok(node, `the view lists ${file}: ${roots.map((n) => n.file).join(', ')}`);
    return node;
  };
  const runNodeOf = async (logFile: string): Promise<RunNode> => {
    const node = (await scenarioNode()).children.find((c) => c.file === logFile);
    assert.ok(node, `the view lists ${logFile}`);
    return node;
  };
  const variantLine = (doc: vscode.TextDocument, v: string): number => doc.getText().split('\n').findIndex((l) => l.trim() === `- name: ${v}`);

  before(async () => {
    assert.ok(FAST, 'the launcher passes the test server\'s URL');
    dl = await api();
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const [example] = await vscode.workspace.findFiles('**/school-records.dilemma.yaml');
    assert.ok(example);
    // A copy with its own id (its own run folder) and 2 samples a cell, so three runs stay short.
    const text = fs.readFileSync(example.fsPath, 'utf8').replace(/^dilemma: school-records$/m, `dilemma: ${ID}`).replace(/^ {2}samples: 6$/m, '  samples: 2');
    assert.match(text, new RegExp(`^dilemma: ${ID}$`, 'm'));
    assert.match(text, /^ {2}samples: 2$/m);
    file = path.join(root, `${ID}.dilemma.yaml`);
    fs.writeFileSync(file, text);
    uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
    await vscode.workspace.getConfiguration().update('dilemmaLens.providers', providers(FAST), vscode.ConfigurationTarget.Global);
    await dl.selection.set([`sim/${MODEL}`]);
    first = (await dl.runs.run({ uri, models: [`sim/${MODEL}`] }))!;
    assert.ok(first, 'the first run ran');
    second = (await dl.runs.run({ uri, models: [`sim/${MODEL}`] }))!;
    assert.ok(second, 'the second run ran');
    // The same model with its server down: nothing listens on port 1.
    await vscode.workspace.getConfiguration().update('dilemmaLens.providers', providers('http://127.0.0.1:1/v1'), vscode.ConfigurationTarget.Global);
    try {
      assert.equal(await dl.runs.run({ uri, models: [`sim/${MODEL}`] }), undefined);
    } finally {
      await vscode.workspace.getConfiguration().update('dilemmaLens.providers', providers(FAST), vscode.ConfigurationTarget.Global);
    }
    const dir = path.dirname(first.logFile);
    failedLog = fs.readdirSync(dir).map((n) => path.join(dir, n)).find((f) => f !== first.logFile && f !== second.logFile)!;
    assert.ok(failedLog, 'the failed run left its log');
  });

  after(async () => {
    await vscode.workspace.getConfiguration().update('dilemmaLens.providers', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The later tests count the workspace's scenario files: this one and its runs go.
    if (first) fs.rmSync(path.dirname(first.logFile), { recursive: true, force: true });
    fs.rmSync(file, { force: true });
  });

  it('lists the good runs and the failed run with their statuses and session counts, newest first', async () => {
    const node = await scenarioNode();
    assert.equal(node.description, `${ID} · 3 runs`);
    // Read from the logs themselves: the good runs answered every planned session, the failed one none.
    const log = await readRunLog(second.logFile);
    const planned = log.header.models.length * log.header.variants.length * Math.max(1, log.header.personas) * log.header.samples;
    assert.equal(log.sessions.length, planned);
    const failed = await readRunLog(failedLog);
    assert.equal(failed.sessions.length, 0);
    assert.deepEqual(node.children.map((c) => c.file), [failedLog, second.logFile, first.logFile]);
    const [f, s, g] = node.children;
    assert.equal(f!.status, 'failed');
    assert.match(f!.description, /^failed, zero sessions: .+ · 0 answered$/);
    assert.equal(f!.contextValue, 'dilemmaRun.empty');
    for (const r of [s!, g!]) {
      assert.equal(r.status, 'complete');
      assert.equal(r.description, `complete ${planned}/${planned} · ${planned} answered`);
      assert.equal(r.contextValue, 'dilemmaRun.results');
      assert.match(r.label, new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d · ${MODEL}$`));
    }
    // The tree items the view draws.
    const item = dl.runsView.getTreeItem(f!);
    assert.equal(item.description, f!.description);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'error');
    assert.equal(dl.runsView.getTreeItem(s!).command?.command, RUNS_COMMANDS.showOnLines);
  });

  it('"Show Run on the Lines" puts the older run\'s results on the lines; the report picker opens a run\'s report', async () => {
    const doc = await vscode.workspace.openTextDocument(uri);
    // After the failed run, the lines still show the newest good run (the failed one added nothing).
    const before = dl.results.get(uri)!.set.cells;
    assert.ok(before.length > 0, 'the lines show results after the failed run');
    assert.deepEqual([...new Set(before.map((c) => c.run.runId))], [second.runId], 'the lines start with the newest good run');
    assert.equal(await vscode.commands.executeCommand(RUNS_COMMANDS.showOnLines, await runNodeOf(first.logFile)), true);
    const shown = dl.results.get(uri)!;
    assert.equal(shown.pinned?.runId, first.runId);
    assert.equal(shown.runId, first.runId);
    assert.ok(shown.set.cells.length > 0 && shown.set.cells.every((c) => c.run.runId === first.runId), 'every figure is the picked run\'s');
    assert.deepEqual(shown.records.map((r) => r.key).sort(), (await readRunLog(first.logFile)).sessions.map((s) => s.key).sort());
    // The lines show what the pure plan computes from that run's results.
    const plan = decorationPlan(parseScenario(doc.getText()).scenario!, doc.getText(), shown.analysis!, shown.records, undefined, undefined, shown.labelOf);
    const want = JSON.stringify(plan.variants.map((v) => [doc.positionAt(v.at).line, v.text]).sort());
    await waitFor(() => {
      const a = dl.decorations.appliedTo(uri);
      return a && JSON.stringify([...a.aligned, ...a.diverging, ...a.failed].map((d) => [d.line, d.text]).sort()) === want;
    }, 'the picked run\'s figures on the lines');
    const lens = await waitFor(async () => ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? []).find((l) => /\(picked\)/.test(l.command?.title ?? '')), 'the summary lens naming the picked run');
    assert.match(lens.command!.title, /run \d{4}-\d\d-\d\d \d\d:\d\d \(picked\)/);
    assert.equal((await runNodeOf(first.logFile)).shown, true);
    // The report's run picker, answered with the run id.
    const panel = await vscode.commands.executeCommand<{ logFiles: readonly string[]; dispose(): void }>(RUNS_COMMANDS.pickReportRun, uri, first.runId);
    assert.deepEqual(panel?.logFiles, [first.logFile]);
    panel!.dispose();
    const viaItem = await vscode.commands.executeCommand<{ logFiles: readonly string[]; dispose(): void }>(RUNS_COMMANDS.openReport, await runNodeOf(second.logFile));
    assert.deepEqual(viaItem?.logFiles, [second.logFile]);
    viaItem!.dispose();
    // Back to the newest results.
    await vscode.commands.executeCommand(RUNS_COMMANDS.showLatest, uri);
    assert.equal(dl.results.get(uri)?.pinned, undefined);
    assert.equal(dl.results.get(uri)?.runId, second.runId);
  });

  it('picking a run as the baseline puts the change on each variant\'s line, as `dilemma compare` computes it', async () => {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    assert.equal(await vscode.commands.executeCommand(RUNS_COMMANDS.setBaseline, await runNodeOf(first.logFile)), true);
    assert.match(dl.baselines.baselineOf(uri)!.name, new RegExp(`^run ${first.runId} `));
    const variants = parseScenario(doc.getText()).scenario!.variants.map((v) => v.name);
    const applied = await waitFor(() => {
      const a = dl.baselines.appliedTo(uri);
      return a && variants.every((v) => a.some((d) => d.variant === v)) ? a : undefined;
    }, 'a delta on every variant line');
    // The CLI's comparison of the same two logs: the lines show the second run, the baseline is the first.
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'dilemma-lens')!;
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const cli = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const p = execFile(process.execPath, [path.join(ext.extensionPath, 'dist', 'cli.js'), 'compare', first.logFile, second.logFile, '--format', 'json'],
        { cwd: root, maxBuffer: 64 << 20 }, (_e, stdout, stderr) => resolve({ code: p.exitCode, out: stdout, err: stderr }));
    });
    assert.equal(cli.code, 0, cli.err);
    const comparison = JSON.parse(cli.out) as RunComparison;
    for (const v of variants) {
      const row = comparison.rows.find((r): r is VariantComparison => r.kind === 'variant' && r.variant === v && r.model === `sim/${MODEL}`);
      assert.ok(row, `the CLI compares ${v}`);
      const mark = applied.find((d) => d.variant === v && d.model === row.model)!;
      assert.equal(mark.line, variantLine(doc, v), `${v}'s delta is on its line`);
      assert.equal(mark.text, variantDeltaText(row), `${v}: the line shows the CLI's figures and p-values`);
      assert.equal(mark.kind, deltaKind(row.verdict));
    }
    const idLine = doc.getText().split('\n').findIndex((l) => l === `dilemma: ${ID}`);
    assert.ok(applied.some((d) => d.variant === undefined && d.line === idLine && d.text.startsWith(`Δ VAAR ${MODEL}:`)), 'the VAAR change is on the dilemma line');
    assert.equal((await runNodeOf(first.logFile)).baseline, true);
    // The comparison as Markdown: the core's text, as `dilemma compare --format markdown` writes it.
    const md = await vscode.commands.executeCommand<vscode.TextDocument>(RUNS_COMMANDS.showComparisonReport, uri);
    assert.ok(md?.getText().includes(ID), 'the comparison report names the scenario');
  });

  it('"Delete Run" asks first, then removes the run log and its item (and a baseline made of it)', async () => {
    let asked = 0;
    const confirm = dl.runsView.confirmDelete;
    try {
      dl.runsView.confirmDelete = async () => { asked++; return false; };
      assert.equal(await vscode.commands.executeCommand(RUNS_COMMANDS.delete, await runNodeOf(failedLog)), false);
      assert.equal(fs.existsSync(failedLog), true, 'declined: the log stays');
      dl.runsView.confirmDelete = async () => { asked++; return true; };
      assert.equal(await vscode.commands.executeCommand(RUNS_COMMANDS.delete, await runNodeOf(failedLog)), true);
      assert.equal(asked, 2);
      assert.equal(fs.existsSync(failedLog), false);
      assert.deepEqual((await scenarioNode()).children.map((c) => c.file), [second.logFile, first.logFile]);
      // Deleting the baseline run drops the baseline and its deltas.
      assert.equal(await vscode.commands.executeCommand(RUNS_COMMANDS.delete, await runNodeOf(first.logFile)), true);
      assert.equal(fs.existsSync(first.logFile), false);
      assert.equal(dl.baselines.baselineOf(uri), undefined);
      await waitFor(() => dl.baselines.appliedTo(uri) === undefined || dl.baselines.appliedTo(uri)!.length === 0, 'the deltas to go');
      assert.deepEqual((await scenarioNode()).children.map((c) => c.file), [second.logFile]);
    } finally {
      dl.runsView.confirmDelete = confirm;
    }
  });
});
