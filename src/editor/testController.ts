import * as vscode from 'vscode';
import type { ScenarioAnalysis } from '../core/analysis/analyzeRun';
import type { Span } from '../core/scenario/model';
import { parseScenario, type ParsedScenario } from '../core/scenario/parse';
import { scenarioNode, scenarioVerdict, variantVerdict, type Incomplete, type TestVerdict } from '../core/view/testTree';
import { LANGUAGE_ID, TEST_CONTROLLER_ID } from './ids';
import { ensureTrusted } from './trust';

/** What a test run needs from the run controller (`RunController.run`), kept structural so tests can pass their own. */
export interface ScenarioRunner {
  run(req: { uri: vscode.Uri; variant?: string }, token?: vscode.CancellationToken): Promise<{ runId: string; logFile: string; analysis: ScenarioAnalysis; incomplete?: Incomplete; label?: string } | undefined>;
}

/** One item's outcome in a test run, as it was given to VS Code (for tests of the controller). */
export interface ItemOutcome {
  id: string;
  status: 'passed' | 'failed' | 'errored' | 'skipped';
  messages: vscode.TestMessage[];
}

/** The glob of scenario files in the workspace. */
const SCENARIO_GLOB = '**/*.dilemma.{yaml,yml}';

const toRange = (parsed: ParsedScenario, span: Span): vscode.Range => {
  const a = parsed.lineCounter.linePos(span.start);
  const b = parsed.lineCounter.linePos(span.end);
  return new vscode.Range(a.line - 1, a.col - 1, b.line - 1, b.col - 1);
};

/**
 * Scenario files as tests in the Testing view: each file an item, its variants children. Running an
 * item runs the scenario (or the variant) through the run controller with the current model; the
 * scenario's `assert` thresholds decide (see `scenarioVerdict` / `variantVerdict`), and a failure
 * carries the expected and actual values at the threshold's place in the file. Items follow the files:
 * a watcher for files on disk, document events for unsaved edits.
 */
export class ScenarioTests implements vscode.Disposable {
  readonly controller: vscode.TestController;
  readonly runProfile: vscode.TestRunProfile;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly outcomes = new vscode.EventEmitter<ItemOutcome>();
  /** Fires for every outcome reported to VS Code: the Test Results API is not public, so tests read it here. */
  readonly onDidReport: vscode.Event<ItemOutcome> = this.outcomes.event;

  constructor(private readonly runner: ScenarioRunner) {
    this.controller = vscode.tests.createTestController(TEST_CONTROLLER_ID, 'Dilemma scenarios');
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.discover();
    };
    this.controller.refreshHandler = () => this.discover();
    this.runProfile = this.controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, (req, token) => this.runTests(req, token), true);
    const watcher = vscode.workspace.createFileSystemWatcher(SCENARIO_GLOB);
    this.disposables.push(
      this.outcomes,
      this.controller,
      watcher,
      watcher.onDidCreate((u) => void this.updateFromDisk(u)),
      watcher.onDidChange((u) => void this.updateFromDisk(u)),
      watcher.onDidDelete((u) => this.controller.items.delete(u.toString())),
      vscode.workspace.onDidOpenTextDocument((d) => this.updateFromDocument(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.updateFromDocument(e.document)),
    );
  }

  /** Finds every scenario file of the workspace (and takes open documents' unsaved text). */
  async discover(): Promise<void> {
    const files = await vscode.workspace.findFiles(SCENARIO_GLOB, '**/node_modules/**');
    await Promise.all(files.map((u) => this.updateFromDisk(u)));
    for (const d of vscode.workspace.textDocuments) this.updateFromDocument(d);
  }

  private updateFromDocument(doc: vscode.TextDocument): void {
    if (doc.languageId !== LANGUAGE_ID || doc.uri.scheme !== 'file') return;
    this.update(doc.uri, doc.getText());
  }

  private async updateFromDisk(uri: vscode.Uri): Promise<void> {
    // An open document's text (possibly unsaved) is what the person sees; it wins over the file.
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return this.updateFromDocument(open);
    try {
      this.update(uri, Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'));
    } catch {
      this.controller.items.delete(uri.toString());
    }
  }

  /** Replaces a file's item and children from its text; a file that names no scenario has no item. */
  private update(uri: vscode.Uri, text: string): void {
    const parsed = parseScenario(text);
    const node = scenarioNode(parsed);
    if (!node) {
      this.controller.items.delete(uri.toString());
      return;
    }
    const id = uri.toString();
    const item = this.controller.items.get(id) ?? this.controller.createTestItem(id, node.label, uri);
    item.label = node.label;
    item.range = toRange(parsed, node.range);
    item.description = vscode.workspace.asRelativePath(uri);
    item.children.replace(node.variants.map((v) => {
      const child = item.children.get(`${id}#${v.name}`) ?? this.controller.createTestItem(`${id}#${v.name}`, v.name, uri);
      child.range = toRange(parsed, v.range);
      return child;
    }));
    this.controller.items.add(item);
  }

  /** The requested items (all when none), grouped into runs: a whole scenario, or some of its variants. */
  private plan(req: vscode.TestRunRequest): { file: vscode.TestItem; variants?: vscode.TestItem[] }[] {
    const excluded = new Set(req.exclude?.map((i) => i.id) ?? []);
    const requested = req.include ?? [...iterate(this.controller.items)];
    const out = new Map<string, { file: vscode.TestItem; variants?: vscode.TestItem[] }>();
    for (const item of requested) {
      if (excluded.has(item.id)) continue;
      const file = item.parent ?? item;
      const entry = out.get(file.id);
      if (item === file) out.set(file.id, { file });
      else if (!entry) out.set(file.id, { file, variants: [item] });
      else entry.variants?.push(item);
    }
    return [...out.values()];
  }

  private async runTests(req: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const run = this.controller.createTestRun(req);
    try {
      for (const { file, variants } of this.plan(req)) {
        if (token.isCancellationRequested) break;
        const all = variants ?? [file, ...iterate(file.children)];
        for (const t of all) run.enqueued(t);
        if (!(await ensureTrusted())) {
          for (const t of all) this.settle(run, t, 'skipped');
          run.appendOutput('Skipped: the workspace is not trusted, so nothing is sent to a model.\r\n');
          continue;
        }
        // A subset of variants runs one variant at a time; a whole file runs once.
        const jobs = variants ? variants.map((v) => ({ variant: v.label, items: [v] })) : [{ variant: undefined, items: all }];
        for (const job of jobs) {
          if (token.isCancellationRequested) break;
          for (const t of job.items) run.started(t);
          const started = Date.now();
          let outcome;
          try {
            outcome = await this.runner.run({ uri: file.uri!, ...(job.variant !== undefined ? { variant: job.variant } : {}) }, token);
          } catch (e) {
            for (const t of job.items) this.settle(run, t, 'errored', [new vscode.TestMessage(`The run failed: ${(e as Error).message}`)]);
            continue;
          }
          if (!outcome) {
            for (const t of job.items) this.settle(run, t, 'skipped');
            continue;
          }
          run.appendOutput(`${file.label}${job.variant ? ` · ${job.variant}` : ''}: run ${outcome.runId}, log ${outcome.logFile}\r\n`);
          if (outcome.label) run.appendOutput(`${file.label}: results ${outcome.label}\r\n`);
          await this.report(run, file, job.items, outcome.analysis, Date.now() - started, outcome.incomplete);
        }
      }
    } finally {
      run.end();
    }
  }

  /** Gives VS Code an item's outcome and fires it on `onDidReport`. */
  private settle(run: vscode.TestRun, item: vscode.TestItem, status: ItemOutcome['status'], messages: vscode.TestMessage[] = [], ms?: number): void {
    if (status === 'passed') run.passed(item, ms);
    else if (status === 'failed') run.failed(item, messages, ms);
    else if (status === 'errored') run.errored(item, messages, ms);
    else run.skipped(item);
    this.outcomes.fire({ id: item.id, status, messages });
  }

  /** Sets each item's outcome from the analysis, with its messages placed at the thresholds in the file. */
  private async report(run: vscode.TestRun, file: vscode.TestItem, items: readonly vscode.TestItem[], analysis: ScenarioAnalysis, ms: number, incomplete?: Incomplete): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(file.uri!);
    const thresholds = parseScenario(doc.getText()).scenario?.assert ?? [];
    for (const item of items) {
      const verdict = item === file ? scenarioVerdict(analysis, incomplete) : variantVerdict(analysis, thresholds, item.label, incomplete);
      if (!verdict) {
        this.settle(run, item, 'skipped');
        continue;
      }
      this.apply(run, item, verdict, doc, ms);
    }
  }

  private apply(run: vscode.TestRun, item: vscode.TestItem, verdict: TestVerdict, doc: vscode.TextDocument, ms: number): void {
    if (verdict.status === 'passed') {
      this.settle(run, item, 'passed', [], ms);
      return;
    }
    const messages = verdict.messages.map((m) => {
      const msg = m.expected !== undefined && m.actual !== undefined ? vscode.TestMessage.diff(m.text, m.expected, m.actual) : new vscode.TestMessage(m.text);
      const span = m.range ?? (item.range ? undefined : { start: 0, end: 0 });
      msg.location = new vscode.Location(doc.uri, span ? new vscode.Range(doc.positionAt(span.start), doc.positionAt(span.end)) : item.range!);
      return msg;
    });
    this.settle(run, item, verdict.status, messages, ms);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }
}

/** The direct items of a collection. */
function* iterate(items: vscode.TestItemCollection): Generator<vscode.TestItem> {
  const out: vscode.TestItem[] = [];
  items.forEach((i) => out.push(i));
  yield* out;
}
