import { randomBytes } from 'node:crypto';
import { familyNames } from '../core/scenario/families';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { analyzeLogFiles } from '../core/workspace/analyzeLogs';
import { isRunLogName, runLogPath, scenarioRunDir, workspaceOfLog } from '../core/workspace/layout';
import { buildResultSet, coverAsserts, provenanceLines, reportCells, type ReportCell } from '../core/workspace/resultSet';
import { RunStore, statusText } from '../core/workspace/runStore';
import { scenarioHash } from '../core/run/engine';
import type { ScenarioAnalysis } from '../core/analysis/analyzeRun';
import { reportJson } from '../core/report/json';
import { reportMarkdown } from '../core/report/markdown';
import { parseScenario } from '../core/scenario/parse';
import { reportModel, type ReportModel } from '../core/view/reportModel';
import { COMMANDS, OPEN_REPORT_COMMAND, REPORT_VIEW_TYPE, RUNS_COMMANDS } from './ids';
import { FROM_REPOSITORY_LABEL, SHOW_REPOSITORY_RESULTS } from '../core/view/repositoryResults';
import type { SavedResultsGate } from './resultsStore';

/** What the webview keeps across a restart (`vscode.setState`): the run logs it shows, nothing else. */
export interface ReportPanelState {
  logFiles: string[];
  /** The result set's cells when the panel shows a scenario's merged results (each log's own model and variant figures). */
  cells?: ReportCell[];
  /** What else the report says about where its figures come from (runs not shown, and why). */
  notes?: string[];
}

/** Messages from the webview. */
export type ReportRequest = { type: 'ready' } | { type: 'export'; format: 'markdown' | 'json' } | { type: 'pickRun' };

/** Messages to the webview. */
export type ReportReply =
  | { type: 'report'; model: ReportModel; state: ReportPanelState }
  | { type: 'error'; message: string }
  | { type: 'exported'; format: 'markdown' | 'json'; file: string };

/** What the panels need from the editor, injected so that tests can answer the save dialog. */
export interface ReportPanelDeps {
  extensionUri: vscode.Uri;
  /** Where the run logs of a scenario file live (`<workspace>/.dilemma/runs`). */
  runDirOf: (scenarioFile: string) => string;
  askSaveUri?: (defaultUri: vscode.Uri, format: 'markdown' | 'json') => Thenable<vscode.Uri | undefined>;
  /**
   * Whether saved run logs may be opened (Restricted Mode withholds a repository's until the person opts
   * in; issue 11 §4): the same gate as the lines' results. Absent: always.
   */
  savedResults?: SavedResultsGate;
  /** False: register no command or serializer (a second set of panels, in tests). Default true. */
  register?: boolean;
}

const nonce = (): string => randomBytes(16).toString('base64');

/** The directory the CLI would have run in: the workspace folder that holds the log, else the log's `.dilemma` parent. */
function cwdOf(logFile: string): string {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(logFile));
  if (folder) return folder.uri.fsPath;
  return workspaceOfLog(logFile) ?? path.dirname(logFile);
}

/** One report webview: one run log, or several (a comparison), analysed as `dilemma analyze` would. */
export class ReportPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly posted = new vscode.EventEmitter<ReportReply>();
  /** Every message sent to the webview (tests and the e2e read what the panel said). */
  readonly onDidPost: vscode.Event<ReportReply> = this.posted.event;
  private analysis: ScenarioAnalysis | undefined;
  /** The last message sent to the webview. */
  latest: ReportReply | undefined;
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidDispose: vscode.Event<void> = this.closed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly logFiles: readonly string[],
    private readonly deps: ReportPanelDeps,
    readonly cells?: readonly ReportCell[],
    readonly notes: readonly string[] = [],
  ) {
    const media = vscode.Uri.joinPath(deps.extensionUri, 'media');
    panel.webview.options = { enableScripts: true, localResourceRoots: [media] };
    panel.webview.html = this.html(panel.webview, media);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: ReportRequest) => void this.handle(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** The key of the runs it shows: one panel per run or comparison. */
  get key(): string {
    return panelKey(this.logFiles, this.cells);
  }

  /** Answers a webview message; exported for the integration test, which plays the webview's part. */
  async handle(m: ReportRequest): Promise<void> {
    try {
      if (m.type === 'ready') await this.load();
      else if (m.type === 'export') await this.export(m.format);
      // The run picker: the runs of the scenario of this report's first log (the Dilemma Runs view's command).
      else if (m.type === 'pickRun') await vscode.commands.executeCommand(RUNS_COMMANDS.pickReportRun, vscode.Uri.file(this.logFiles[0]!));
    } catch (e) {
      this.post({ type: 'error', message: (e as Error).message });
    }
  }

  private async load(): Promise<void> {
    const cells = this.cells;
    const { analyses } = await analyzeLogFiles(this.logFiles, cwdOf(this.logFiles[0]!), cells ? { cells } : {});
    // Logs of several scenarios make one panel per scenario meaningless; the first is shown and the rest named.
    const first = analyses[0];
    if (!first) throw new Error('the run logs hold no scenario');
    // Provenance: partial figures and figures of older runs say so, and their model's asserts are not measured.
    const a = cells ? coverAsserts(first, (model) => cells.find((c) => c.model === model && c.incomplete)?.incomplete) : first;
    a.warnings = [...(cells ? provenanceLines(cells) : []), ...this.notes, ...a.warnings];
    if (analyses.length > 1) a.warnings.push(`these logs are of ${analyses.length} scenarios; only ${a.scenario.id} is shown`);
    this.analysis = a;
    this.panel.title = `Report: ${a.scenario.id}`;
    this.post({ type: 'report', model: reportModel(a), state: { logFiles: [...this.logFiles], ...(cells ? { cells: [...cells] } : {}), ...(this.notes.length ? { notes: [...this.notes] } : {}) } });
  }

  private async export(format: 'markdown' | 'json'): Promise<void> {
    if (!this.analysis) await this.load();
    const a = this.analysis!;
    const ext = format === 'markdown' ? 'md' : 'json';
    const base = vscode.Uri.file(path.join(cwdOf(this.logFiles[0]!), `${a.scenario.id}-report.${ext}`));
    const ask = this.deps.askSaveUri ?? ((u, f) => vscode.window.showSaveDialog({ defaultUri: u, filters: f === 'markdown' ? { Markdown: ['md'] } : { JSON: ['json'] } }));
    const target = await ask(base, format);
    if (target) await this.exportTo(format, target);
  }

  /** Writes the report in a format (the core's Markdown or JSON report, as `dilemma analyze` writes it) and tells the webview. */
  async exportTo(format: 'markdown' | 'json', target: vscode.Uri): Promise<void> {
    if (!this.analysis) await this.load();
    const a = this.analysis!;
    const text = format === 'markdown' ? reportMarkdown([a]) : reportJson([a], { generatedAt: new Date().toISOString() });
    await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
    this.post({ type: 'exported', format, file: target.fsPath });
  }

  private post(m: ReportReply): void {
    this.latest = m;
    void this.panel.webview.postMessage(m);
    this.posted.fire(m);
  }

  private html(webview: vscode.Webview, media: vscode.Uri): string {
    const n = nonce();
    const asset = (f: string): string => webview.asWebviewUri(vscode.Uri.joinPath(media, 'report', f)).toString();
    // No remote source, no inline script or style: SVG is drawn with attributes and classes only.
    const csp = `default-src 'none'; img-src ${webview.cspSource}; style-src ${webview.cspSource}; script-src 'nonce-${n}'; font-src ${webview.cspSource}`;
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${asset('report.css')}">
<title>Dilemma Lens report</title>
</head>
<body>
<header class="toolbar">
  <h1 id="title">Dilemma Lens report</h1>
  <button id="pick-run" type="button" class="secondary" title="Open the report of another saved run of this scenario">Pick Run</button>
  <button id="export-markdown" type="button">Export Markdown</button>
  <button id="export-json" type="button" class="secondary">Export JSON</button>
</header>
<p id="status" role="status">Analysing the run log...</p>
<main id="report"></main>
<script nonce="${n}" src="${asset('report.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.closed.fire();
    this.closed.dispose();
    this.posted.dispose();
    this.panel.dispose();
  }
}

/** The key of a panel: its logs, and the cells it takes from them. */
function panelKey(logFiles: readonly string[], cells?: readonly ReportCell[]): string {
  return [...[...logFiles].sort(), ...(cells ? [JSON.stringify(cells)] : [])].join('\n');
}

/** What a report shows: run logs, and for a scenario's results the cells taken from each and notes on runs left out. */
export interface ReportTarget {
  files: string[];
  cells?: ReportCell[];
  notes?: string[];
}

/**
 * The named runs of a scenario file, or its results as the editor shows them: per variant and model
 * the newest run of the current text with answered sessions (any text when no run of this one has
 * any). A failed or zero-session run never replaces them; it is named in the notes.
 */
export async function runLogsOf(scenarioFile: string, runDir: string, runIds?: readonly string[]): Promise<ReportTarget> {
  const text = await fs.promises.readFile(scenarioFile, 'utf8');
  const scenario = parseScenario(text).scenario;
  const id = scenario?.id;
  if (!scenario || !id) throw new Error(`${path.basename(scenarioFile)} has no scenario id, so it has no runs`);
  if (runIds?.length) return { files: runIds.map((r) => runLogPath(runDir, id, r)) };
  const runs = await new RunStore(runDir).load(id);
  const dir = scenarioRunDir(runDir, id);
  if (runs.length === 0) throw new Error(`${id} has not been run yet: no run log in ${dir}. Run it first (Dilemma Lens: Run Scenario, or the Testing view).`);
  // Generated family members (`perturb`) are cells of their own, analysed with their authored variant.
  const variants = familyNames(scenario);
  const hash = scenarioHash(text);
  let set = buildResultSet(runs.filter((r) => r.info.scenarioHash === hash), variants);
  if (set.cells.length === 0) set = buildResultSet(runs, variants);
  if (set.cells.length === 0) throw new Error(`${id} has no run with sessions in ${dir}: ${runs.map((r) => `${r.info.runId} ${statusText(r.info)}`).join('; ')}`);
  const byId = new Map(runs.map((r) => [r.info.runId, r.info] as const));
  const notes = provenanceLines([], set.skipped, (r) => statusText(byId.get(r.runId)!));
  return { files: set.logs.map((l) => l.file!), cells: reportCells(set, variants), ...(notes.length ? { notes } : {}) };
}

/**
 * The report panels: `dilemmaLens.openReport` (a scenario or run log URI, optional run id or ids), one
 * panel per run or comparison, and a serializer that reopens them from their run logs after a restart.
 */
export class ReportPanels implements vscode.Disposable {
  private readonly open = new Map<string, ReportPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: ReportPanelDeps) {
    if (deps.register === false) return;
    this.disposables.push(
      vscode.commands.registerCommand(OPEN_REPORT_COMMAND, (target?: string | vscode.Uri | { uri?: vscode.Uri }, runId?: string | string[]) => this.openReport(target, runId)),
      vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          const saved = state as Partial<ReportPanelState> | undefined;
          const files = saved?.logFiles?.filter((f) => typeof f === 'string');
          if (!files?.length) {
            panel.dispose();
            return;
          }
          this.track(new ReportPanel(panel, files, this.deps, Array.isArray(saved?.cells) ? saved.cells : undefined, Array.isArray(saved?.notes) ? saved.notes.filter((n) => typeof n === 'string') : []));
        },
      }),
    );
  }

  /** The open panels (for tests). */
  get panels(): readonly ReportPanel[] {
    return [...this.open.values()];
  }

  /** Opens (or reveals) the panel of these run logs. */
  show(logFiles: readonly string[], cells?: readonly ReportCell[], notes: readonly string[] = []): ReportPanel {
    const key = panelKey(logFiles, cells);
    const existing = this.open.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, 'Dilemma Lens report', vscode.ViewColumn.Beside, { enableScripts: true, retainContextWhenHidden: false });
    return this.track(new ReportPanel(panel, logFiles, this.deps, cells, notes));
  }

  private track(p: ReportPanel): ReportPanel {
    this.open.set(p.key, p);
    p.onDidDispose(() => {
      if (this.open.get(p.key) === p) this.open.delete(p.key);
    });
    return p;
  }

  /** `target`: a scenario or run log, as a URI, a path or URI string, or a test item (the Testing view's context menu). */
  async openReport(target?: string | vscode.Uri | { uri?: vscode.Uri }, runId?: string | string[]): Promise<ReportPanel | undefined> {
    if (target && typeof target === 'object' && !(target instanceof vscode.Uri)) target = target.uri;
    const uri = typeof target === 'string' ? (/^[a-z][\w+.-]*:/i.test(target) && !/^[a-z]:\\/i.test(target) ? vscode.Uri.parse(target) : vscode.Uri.file(target)) : target ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showErrorMessage('Open a scenario file (or pass a run log) to see its report.');
      return undefined;
    }
    try {
      const target: ReportTarget = isRunLogName(uri.fsPath)
        ? { files: [uri.fsPath] }
        : await runLogsOf(uri.fsPath, this.deps.runDirOf(uri.fsPath), typeof runId === 'string' ? [runId] : runId);
      for (const f of target.files) if (!fs.existsSync(f)) throw new Error(`no run log at ${f}`);
      // A repository can ship fabricated logs: untrusted, a report waits for the same opt-in as the lines.
      const decision = this.deps.savedResults?.decide() ?? { show: true, fromRepository: false };
      if (!decision.show) {
        void vscode.window.showWarningMessage(`Dilemma Lens: the report is not opened in this untrusted workspace: its run logs came with the repository and may be fabricated.`, SHOW_REPOSITORY_RESULTS).then((pick) => {
          if (pick === SHOW_REPOSITORY_RESULTS) void vscode.commands.executeCommand(COMMANDS.showRepositoryResults);
        });
        return undefined;
      }
      const notes = decision.fromRepository ? [`These results are ${FROM_REPOSITORY_LABEL}: the run logs came with the repository and were not made on this machine.`, ...(target.notes ?? [])] : target.notes;
      return this.show(target.files, target.cells, notes);
    } catch (e) {
      void vscode.window.showErrorMessage(`Dilemma Lens: cannot open the report: ${(e as Error).message}`);
      return undefined;
    }
  }

  dispose(): void {
    for (const p of this.open.values()) p.dispose();
    this.open.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
