import * as path from 'node:path';
import * as vscode from 'vscode';
import { compareRuns, type ComparisonSideScenario, type RunComparison } from '../core/analysis/compare';
import { comparisonSide } from '../core/analysis/comparisonSide';
import { baselineAtRef } from '../core/git/baselineAtRef';
import { findVersion, textHash } from '../core/git/gitFiles';
import type { RunLogInput } from '../core/analysis/analyzeRun';
import { comparisonMarkdown } from '../core/report/compareMarkdown';
import { deltaPlan, type DeltaKind } from '../core/view/deltaPlan';
import { scenarioRunDir } from '../core/workspace/layout';
import { shortTime } from '../core/workspace/resultSet';
import { parseScenario } from '../core/scenario/parse';
import { COLORS, LANGUAGE_ID } from './ids';
import type { ResultsStore } from './resultsStore';

/** The baseline picked for one scenario file: its run logs and a name for the hovers and the report. */
export interface Baseline {
  files: string[];
  /** "run 20261201-231005-ab12cd (2026-12-01 23:10)" or "git main (1a2b3c4d5e6f)". */
  name: string;
  /** The scenario text the baseline ran with, when known (a git ref, or found in history); else the current text is used. */
  text?: string;
  source?: string;
}

/** A delta as applied, for tests and the extension API. */
export interface AppliedDelta {
  line: number;
  character: number;
  kind: DeltaKind;
  model: string;
  variant?: string;
  text: string;
  hover: string;
}

interface State {
  baseline: Baseline;
  /** The baseline's analysed side, computed once per baseline and scenario text. */
  side?: { text: string; side: ComparisonSideScenario };
  comparison?: RunComparison;
  /** Why there is no comparison (the baseline cannot be read, no results yet). */
  error?: string;
}

/**
 * Comparison with a baseline run in the editor (issue 10 §6): a saved run (or the newest run at a git
 * ref) is picked as a scenario file's baseline; the results on the lines are compared with it by the
 * core comparison the CLI's `dilemma compare` uses (both sides analysed as the CLI does), and each row's
 * change goes on its line: red for a regression, green for an improvement, grey otherwise.
 */
export class BaselineDeltas implements vscode.Disposable {
  private readonly states = new Map<string, State>();
  private readonly types: Record<DeltaKind, vscode.TextEditorDecorationType>;
  private readonly applied = new Map<string, AppliedDelta[]>();
  private readonly subscriptions: vscode.Disposable[];
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  /** Fires when a file's baseline or comparison changed. */
  readonly onDidChange: vscode.Event<vscode.Uri> = this.emitter.event;

  constructor(private readonly results: ResultsStore) {
    const type = (colour: string, style: string): vscode.TextEditorDecorationType => vscode.window.createTextEditorDecorationType({
      after: { color: new vscode.ThemeColor(colour), margin: '0 0 0 2em', fontStyle: style },
    });
    this.types = { regression: type(COLORS.failed, 'normal'), improvement: type(COLORS.aligned, 'normal'), neutral: type(COLORS.summary, 'italic') };
    this.subscriptions = [
      results.onDidChange((uri) => this.schedule(uri)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refresh()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.languageId === LANGUAGE_ID && this.states.has(e.document.uri.toString())) this.refresh();
      }),
    ];
  }

  /** The baseline of a scenario file, if one is picked. */
  baselineOf(uri: vscode.Uri): Baseline | undefined {
    return this.states.get(uri.toString())?.baseline;
  }

  /** The comparison of a file's results with its baseline, once computed. */
  comparisonOf(uri: vscode.Uri): RunComparison | undefined {
    return this.states.get(uri.toString())?.comparison;
  }

  /** Why a file with a baseline has no comparison. */
  errorOf(uri: vscode.Uri): string | undefined {
    return this.states.get(uri.toString())?.error;
  }

  /** What was applied to the visible editor of `uri` on the last pass. */
  appliedTo(uri: vscode.Uri): readonly AppliedDelta[] | undefined {
    return this.applied.get(uri.toString());
  }

  /** Picks a saved run log as the baseline of a scenario file, and compares. */
  async setRun(uri: vscode.Uri, logFile: string): Promise<RunComparison | undefined> {
    const run = await this.results.storeOf(uri.fsPath).read(logFile);
    if (run.info.status === 'unreadable') throw new Error(`cannot read ${logFile}: ${run.info.reason ?? ''}`);
    if (run.info.complete === 0) throw new Error(`run ${run.info.runId} has no answered session to compare with`);
    const current = (await vscode.workspace.openTextDocument(uri)).getText();
    // The text the baseline ran with: the current one, else the version in git history with its hash.
    let text: string | undefined;
    let source: string | undefined;
    if (textHash(current) !== run.header.scenarioHash) {
      const found = await findVersion(uri.fsPath, run.header.scenarioHash).catch(() => undefined);
      if (found) {
        text = found.text;
        source = `git ${found.commit.slice(0, 12)}`;
      }
    }
    return this.set(uri, { files: [logFile], name: `run ${run.info.runId} (${shortTime(run.info.startedAt)})`, ...(text ? { text, source: source! } : {}) });
  }

  /** Picks the newest run at a git ref (per model of the shown results) as the baseline, as `dilemma compare --baseline-ref` does. */
  async setRef(uri: vscode.Uri, ref: string): Promise<RunComparison | undefined> {
    const shown = this.results.get(uri);
    const text = (await vscode.workspace.openTextDocument(uri)).getText();
    const scenario = parseScenario(text).scenario;
    if (!scenario) throw new Error(`${path.basename(uri.fsPath)} has no scenario`);
    const models = shown?.analysis?.models ?? [];
    if (models.length === 0) throw new Error(`${scenario.id} has no results on the lines to compare with a baseline; run it first`);
    const runDir = scenarioRunDir(this.results.storeOf(uri.fsPath).runDir, scenario.id);
    const exclude = [...new Set(shown!.set.logs.map((l) => l.file!))];
    const found = await baselineAtRef({ scenarioFile: uri.fsPath, scenarioId: scenario.id, ref, runDirs: [runDir], exclude, models });
    return this.set(uri, { files: found.files, name: `git ${ref} (${found.commit.slice(0, 12)})`, text: found.text, source: `git ${ref} (${found.commit.slice(0, 12)})` });
  }

  /** Drops a file's baseline and its deltas. */
  clear(uri: vscode.Uri): void {
    if (!this.states.delete(uri.toString())) return;
    this.refresh();
    this.emitter.fire(uri);
  }

  /** A run log was deleted: a baseline made of it goes. */
  removed(logFile: string): void {
    for (const [key, s] of [...this.states]) if (s.baseline.files.includes(logFile)) this.clear(vscode.Uri.parse(key));
  }

  /** The comparison as Markdown (the core's, as `dilemma compare --format markdown` writes it). */
  markdownOf(uri: vscode.Uri): string | undefined {
    const c = this.comparisonOf(uri);
    return c ? comparisonMarkdown(c) : undefined;
  }

  private async set(uri: vscode.Uri, baseline: Baseline): Promise<RunComparison | undefined> {
    this.states.set(uri.toString(), { baseline });
    const c = await this.compare(uri);
    this.emitter.fire(uri);
    return c;
  }

  private schedule(uri: vscode.Uri): void {
    if (!this.states.has(uri.toString())) return;
    clearTimeout(this.timers.get(uri.toString()));
    this.timers.set(uri.toString(), setTimeout(() => {
      this.timers.delete(uri.toString());
      void this.compare(uri).then(() => this.emitter.fire(uri));
    }, 100));
  }

  /** Compares the shown results with the baseline (not while a run is in progress: its figures still move). */
  private async compare(uri: vscode.Uri): Promise<RunComparison | undefined> {
    const state = this.states.get(uri.toString());
    if (!state) return undefined;
    const shown = this.results.get(uri);
    const text = this.results.textOf(uri);
    if (!shown?.analysis || text === undefined) {
      state.comparison = undefined;
      state.error = 'no results on the lines to compare with the baseline';
      this.refresh();
      return undefined;
    }
    if (shown.running) return state.comparison;
    try {
      if (!state.side || state.side.text !== text) {
        const logs: RunLogInput[] = [];
        for (const f of state.baseline.files) {
          const r = await this.results.storeOf(uri.fsPath).read(f);
          logs.push({ header: r.header, sessions: r.sessions, file: f });
        }
        const bText = state.baseline.text ?? text;
        state.side = { text, side: comparisonSide({ text: bText, source: state.baseline.source ?? 'the current file', file: vscode.workspace.asRelativePath(uri), logs }) };
      }
      // The candidate: the logs behind the lines, each with only the sessions shown, analysed as the CLI does.
      const candidate = comparisonSide({ text, source: 'the current file', file: vscode.workspace.asRelativePath(uri), logs: shown.set.logs });
      if (this.states.get(uri.toString()) !== state) return undefined;
      state.comparison = compareRuns([state.side.side], [candidate]);
      state.error = undefined;
    } catch (e) {
      state.comparison = undefined;
      state.error = (e as Error).message;
    }
    this.refresh();
    return state.comparison;
  }

  /** Sets the delta decorations on every visible scenario editor. */
  refresh(): void {
    this.applied.clear();
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.languageId !== LANGUAGE_ID) continue;
      const doc = editor.document;
      const state = this.states.get(doc.uri.toString());
      const scenario = parseScenario(doc.getText()).scenario;
      // Offsets are the file's as compared; an edited file drops its deltas until the results match it again.
      const marks = state?.comparison && scenario && this.results.textOf(doc.uri) === doc.getText() ? deltaPlan(scenario, doc.getText(), state.comparison, state.baseline.name) : [];
      const options: Record<DeltaKind, vscode.DecorationOptions[]> = { regression: [], improvement: [], neutral: [] };
      const applied: AppliedDelta[] = [];
      for (const m of marks) {
        const at = doc.positionAt(m.at);
        options[m.kind].push({ range: new vscode.Range(at, at), hoverMessage: new vscode.MarkdownString(m.hover), renderOptions: { after: { contentText: m.text } } });
        applied.push({ line: at.line, character: at.character, kind: m.kind, model: m.model, ...(m.variant ? { variant: m.variant } : {}), text: m.text, hover: m.hover });
      }
      for (const k of ['regression', 'improvement', 'neutral'] as const) editor.setDecorations(this.types[k], options[k]);
      if (state) this.applied.set(doc.uri.toString(), applied);
    }
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subscriptions) s.dispose();
    for (const t of Object.values(this.types)) t.dispose();
    this.emitter.dispose();
  }
}
