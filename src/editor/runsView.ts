import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseScenario } from '../core/scenario/parse';
import { runsTree, type RunNode, type RunsTreeInput, type ScenarioRunsNode } from '../core/view/runsTree';
import { isRunLogName } from '../core/workspace/layout';
import { shortTime } from '../core/workspace/resultSet';
import { RunStore, statusText, type RunInfo } from '../core/workspace/runStore';
import type { BaselineDeltas } from './baselineDeltas';
import { OPEN_REPORT_COMMAND, RUNS_COMMANDS, RUNS_VIEW_ID } from './ids';
import type { ResultsStore } from './resultsStore';

type Node = ScenarioRunsNode | RunNode;

/** A run node or what a command was given instead (a run log path or URI, for the palette and tests). */
type RunArg = RunNode | { file: string; scenarioFile: string } | undefined;

const SCENARIO_GLOB = '**/*.dilemma.{yaml,yml}';

/** A run in a quick pick: start time and models, its status, its id. */
function runPickItem(r: RunInfo): vscode.QuickPickItem & { file: string } {
  return { label: `${shortTime(r.startedAt)} · ${r.models.join(', ')}`, description: statusText(r), detail: r.runId, file: r.file };
}

/**
 * The "Dilemma Runs" view (issue 10 §3): per scenario file of the workspace, its saved runs with
 * model(s), start time, status and session counts (the pure model is src/core/view/runsTree.ts), and
 * per run: show its results on the lines, open its report, delete it (asked first), or pick it as the
 * scenario's baseline. Also the report's run picker (`dilemmaLens.pickReportRun`).
 */
export class RunsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData: vscode.Event<Node | undefined> = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private tree: ScenarioRunsNode[] = [];
  private loading: Promise<ScenarioRunsNode[]> | undefined;
  private stale = true;
  private timer: ReturnType<typeof setTimeout> | undefined;
  readonly view: vscode.TreeView<Node>;
  /** Asks before a run log is deleted; replaceable in tests (the modal dialog cannot be answered there). */
  confirmDelete: (run: RunNode) => Thenable<boolean> = async (run) =>
    (await vscode.window.showWarningMessage(`Delete run ${run.runId} (${run.label}, ${run.description})? Its run log is removed from disk.`, { modal: true }, 'Delete')) === 'Delete';

  constructor(private readonly results: ResultsStore, private readonly baselines: BaselineDeltas) {
    this.view = vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    const watcher = vscode.workspace.createFileSystemWatcher('**/.dilemma/runs/**/*.jsonl');
    const scenarios = vscode.workspace.createFileSystemWatcher(SCENARIO_GLOB);
    this.disposables.push(
      this.view, watcher, scenarios, this.changed,
      watcher.onDidCreate(() => this.schedule()), watcher.onDidChange(() => this.schedule()), watcher.onDidDelete(() => this.schedule()),
      scenarios.onDidCreate(() => this.schedule()), scenarios.onDidDelete(() => this.schedule()),
      results.onDidChange(() => this.schedule()),
      baselines.onDidChange(() => this.schedule()),
      vscode.commands.registerCommand(RUNS_COMMANDS.refresh, () => this.reload()),
      vscode.commands.registerCommand(RUNS_COMMANDS.showOnLines, (n: RunArg) => this.showOnLines(n)),
      vscode.commands.registerCommand(RUNS_COMMANDS.showLatest, (n?: ScenarioRunsNode | RunNode | vscode.Uri) => this.showLatest(n)),
      vscode.commands.registerCommand(RUNS_COMMANDS.openReport, (n: RunArg) => this.openReport(n)),
      vscode.commands.registerCommand(RUNS_COMMANDS.delete, (n: RunArg) => this.delete(n)),
      vscode.commands.registerCommand(RUNS_COMMANDS.setBaseline, (n: RunArg) => this.setBaseline(n)),
      vscode.commands.registerCommand(RUNS_COMMANDS.pickBaseline, (target?: string | vscode.Uri, choice?: { file?: string; ref?: string }) => this.pickBaseline(target, choice)),
      vscode.commands.registerCommand(RUNS_COMMANDS.clearBaseline, (target?: string | vscode.Uri | ScenarioRunsNode) => this.baselines.clear(this.scenarioUri(target))),
      vscode.commands.registerCommand(RUNS_COMMANDS.showComparisonReport, (target?: string | vscode.Uri) => this.showComparisonReport(target)),
      vscode.commands.registerCommand(RUNS_COMMANDS.pickReportRun, (target?: string | vscode.Uri | ScenarioRunsNode, runId?: string) => this.pickReportRun(target, runId)),
    );
  }

  /** The tree as last read (for tests): scenarios with their runs. */
  async roots(): Promise<ScenarioRunsNode[]> {
    if (this.stale || !this.loading) {
      this.stale = false;
      this.loading = this.read();
    }
    return (this.tree = await this.loading);
  }

  /** Reads the tree again now and tells the view. */
  async reload(): Promise<ScenarioRunsNode[]> {
    this.stale = true;
    const t = await this.roots();
    this.changed.fire(undefined);
    return t;
  }

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.kind === 'scenario') {
      const item = new vscode.TreeItem(n.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = n.id;
      item.description = n.description;
      item.resourceUri = vscode.Uri.file(n.file);
      item.iconPath = vscode.ThemeIcon.File;
      item.contextValue = this.baselines.baselineOf(vscode.Uri.file(n.file)) ? 'dilemmaScenario.baseline' : 'dilemmaScenario';
      item.tooltip = n.file;
      return item;
    }
    const item = new vscode.TreeItem(n.label, vscode.TreeItemCollapsibleState.None);
    item.id = n.id;
    item.description = n.description;
    item.tooltip = n.tooltip;
    item.iconPath = new vscode.ThemeIcon(n.baseline ? 'target' : n.icon);
    item.contextValue = n.contextValue;
    // A click shows the run on the lines when it has results.
    if (n.contextValue.startsWith('dilemmaRun.results')) item.command = { command: RUNS_COMMANDS.showOnLines, title: 'Show on the Lines', arguments: [n] };
    return item;
  }

  async getChildren(n?: Node): Promise<Node[]> {
    if (!n) return this.roots();
    return n.kind === 'scenario' ? n.children : [];
  }

  private schedule(): void {
    this.stale = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.changed.fire(undefined);
    }, 150);
  }

  /** Every scenario file of the workspace with its runs (from the results store's run folders). */
  private async read(): Promise<ScenarioRunsNode[]> {
    const files = await vscode.workspace.findFiles(SCENARIO_GLOB, '**/node_modules/**');
    const inputs: RunsTreeInput[] = [];
    for (const f of files) {
      let text: string;
      try {
        text = await fs.promises.readFile(f.fsPath, 'utf8');
      } catch {
        continue;
      }
      const id = parseScenario(text).scenario?.id;
      if (!id) continue;
      const runs = await this.results.storeOf(f.fsPath).list(id);
      inputs.push({ id, file: f.fsPath, label: vscode.workspace.asRelativePath(f), runs });
    }
    return runsTree(inputs, {
      baselineOf: (file) => {
        const b = this.baselines.baselineOf(vscode.Uri.file(file));
        return b?.files.length === 1 ? b.files[0] : undefined;
      },
      shownOf: (file) => this.results.get(vscode.Uri.file(file))?.pinned?.file,
    });
  }

  private storeOf(scenarioFile: string): RunStore {
    return this.results.storeOf(scenarioFile);
  }

  /** The run a command is about: a node, or a run log path with its scenario file. */
  private runOf(n: RunArg): { file: string; scenarioFile: string; node?: RunNode } {
    if (!n?.file || !n.scenarioFile || !isRunLogName(n.file)) throw new Error('pick a run in the Dilemma Runs view');
    return { file: n.file, scenarioFile: n.scenarioFile, ...('kind' in n ? { node: n } : {}) };
  }

  private scenarioUri(target?: string | vscode.Uri | ScenarioRunsNode | RunNode): vscode.Uri {
    if (target && typeof target === 'object' && 'kind' in target) return vscode.Uri.file(target.kind === 'scenario' ? target.file : target.scenarioFile);
    if (typeof target === 'string') return /^[a-z][\w+.-]*:/i.test(target) && !/^[a-z]:\\/i.test(target) ? vscode.Uri.parse(target) : vscode.Uri.file(target);
    const uri = target ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri) throw new Error('open a scenario file first');
    return uri;
  }

  private async guard<T>(what: string, f: () => Promise<T>): Promise<T | undefined> {
    try {
      return await f();
    } catch (e) {
      void vscode.window.showErrorMessage(`Dilemma Lens: cannot ${what}: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Shows a run's results on its scenario's lines (opening the file). */
  showOnLines(n: RunArg): Promise<boolean | undefined> {
    return this.guard('show the run', async () => {
      const { file, scenarioFile } = this.runOf(n);
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(scenarioFile));
      await vscode.window.showTextDocument(doc, { preview: false });
      const shown = await this.results.showRun(doc.uri, doc.getText(), file);
      if (!shown) throw new Error(this.results.get(doc.uri)?.running ? 'the scenario is running; wait for the run to end' : 'the run has no answered session to show (or saved results are withheld in this untrusted workspace)');
      this.schedule();
      return true;
    });
  }

  /** Back to the merged newest results. */
  showLatest(n?: ScenarioRunsNode | RunNode | vscode.Uri): void {
    this.results.unpin(n instanceof vscode.Uri ? n : this.scenarioUri(n));
    this.schedule();
  }

  /** The run's report, in the report panel. */
  openReport(n: RunArg): Thenable<unknown> | undefined {
    const r = this.guard('open the report', async () => this.runOf(n));
    return r.then((run) => run && vscode.commands.executeCommand(OPEN_REPORT_COMMAND, vscode.Uri.file(run.file)));
  }

  /** Deletes a run log after asking; it leaves the view, the lines and the baseline. */
  delete(n: RunArg): Promise<boolean | undefined> {
    return this.guard('delete the run', async () => {
      const { file, scenarioFile, node } = this.runOf(n);
      const runNode = node ?? (await this.roots()).flatMap((s) => s.children).find((c) => c.file === file);
      if (!runNode) throw new Error(`${file} is not a run listed in the Dilemma Runs view`);
      if (!(await this.confirmDelete(runNode))) return false;
      await this.storeOf(scenarioFile).remove(file);
      this.results.removed(file);
      this.baselines.removed(file);
      await this.reload();
      return true;
    });
  }

  /** Picks this run as its scenario's baseline: the lines then show the change against it. */
  setBaseline(n: RunArg): Promise<boolean | undefined> {
    return this.guard('pick the baseline', async () => {
      const { file, scenarioFile } = this.runOf(n);
      const uri = vscode.Uri.file(scenarioFile);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
      await this.baselines.setRun(uri, file);
      const error = this.baselines.errorOf(uri);
      if (error) void vscode.window.showWarningMessage(`Dilemma Lens: no comparison with the baseline yet: ${error}`);
      return true;
    });
  }

  /** The runs of a scenario file with answered sessions, newest first. */
  private async runsOfScenario(uri: vscode.Uri): Promise<RunInfo[]> {
    const text = await fs.promises.readFile(uri.fsPath, 'utf8');
    const id = parseScenario(text).scenario?.id;
    if (!id) throw new Error(`${path.basename(uri.fsPath)} has no scenario id, so it has no runs`);
    return (await this.storeOf(uri.fsPath).list(id)).filter((r) => r.complete > 0);
  }

  /** Quick pick: a saved run, or "the newest run at a git ref", as the baseline. `choice` answers without the pick (tests, keybindings). */
  pickBaseline(target?: string | vscode.Uri, choice?: { file?: string; ref?: string }): Promise<boolean | undefined> {
    return this.guard('pick the baseline', async () => {
      const uri = this.scenarioUri(target);
      let pick = choice;
      if (!pick) {
        const runs = await this.runsOfScenario(uri);
        type Item = vscode.QuickPickItem & { file?: string; ref?: boolean };
        const items: Item[] = [
          ...runs.map(runPickItem),
          { label: '$(git-commit) The newest run at a git ref...', ref: true },
        ];
        const item = await vscode.window.showQuickPick(items, { title: 'Baseline to compare the results on the lines with' });
        if (!item) return false;
        if (item.ref) {
          const ref = await vscode.window.showInputBox({ title: 'Git ref of the baseline', prompt: 'A branch, tag or commit: the newest saved run made with the scenario as committed there is the baseline', value: 'HEAD' });
          if (!ref) return false;
          pick = { ref };
        } else pick = { file: item.file! };
      }
      if (pick.ref) await this.baselines.setRef(uri, pick.ref);
      else if (pick.file) await this.baselines.setRun(uri, pick.file);
      else return false;
      const error = this.baselines.errorOf(uri);
      if (error) void vscode.window.showWarningMessage(`Dilemma Lens: no comparison with the baseline yet: ${error}`);
      return true;
    });
  }

  /** Opens the comparison with the baseline as a Markdown preview (the core's Markdown, as `dilemma compare --format markdown`). */
  showComparisonReport(target?: string | vscode.Uri): Promise<vscode.TextDocument | undefined> {
    return this.guard('show the comparison', async () => {
      const uri = this.scenarioUri(target);
      const md = this.baselines.markdownOf(uri);
      if (!md) throw new Error(this.baselines.baselineOf(uri) ? (this.baselines.errorOf(uri) ?? 'the comparison is not ready') : 'pick a baseline first (Dilemma Lens: Pick Baseline Run, or the Dilemma Runs view)');
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: md });
      await vscode.commands.executeCommand('markdown.showPreview', doc.uri).then(undefined, () => vscode.window.showTextDocument(doc));
      return doc;
    });
  }

  /**
   * The report's run picker: the runs of a scenario (a scenario file, or a run log, whose folder's runs
   * are offered), then that run's report. `runId` answers without the pick.
   */
  pickReportRun(target?: string | vscode.Uri | ScenarioRunsNode, runId?: string): Promise<unknown> {
    return this.guard('pick a run', async () => {
      const uri = this.scenarioUri(target);
      let runs: RunInfo[];
      if (isRunLogName(uri.fsPath)) {
        const dir = path.dirname(uri.fsPath);
        const store = new RunStore(path.dirname(dir));
        runs = (await store.list(path.basename(dir))).filter((r) => r.complete > 0);
      } else runs = await this.runsOfScenario(uri);
      if (runs.length === 0) throw new Error('no saved run with answered sessions');
      let file = runId ? runs.find((r) => r.runId === runId)?.file : undefined;
      if (runId && !file) throw new Error(`no run ${runId}`);
      if (!file) {
        const item = await vscode.window.showQuickPick(runs.map(runPickItem), { title: 'Run to open the report of' });
        if (!item) return undefined;
        file = item.file;
      }
      return vscode.commands.executeCommand(OPEN_REPORT_COMMAND, vscode.Uri.file(file));
    });
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }
}
