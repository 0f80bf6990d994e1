import * as vscode from 'vscode';
import type { ScenarioAnalysis } from '../core/analysis/analyzeRun';
import type { ChatModel } from '../core/models/chatModel';
import { OpenAICompatibleModel } from '../core/models/openaiModel';
import { parseModelId } from '../core/models/providers';
import { createDiskCache } from '../core/run/cache';
import { defaultCacheDir, defaultRunDir } from '../core/workspace/layout';
import { runScenario, RunSetupError, type RunSummary } from '../core/run/engine';
import { readRunLog } from '../core/run/runLog';
import { priceLookup, pricesOfSetting } from '../core/models/prices';
import { createScheduler } from '../core/run/scheduler';
import { checkScenario } from '../core/scenario/validate';
import { LM_PROVIDER } from '../core/view/providerEntries';
import { runErrorPlan, stoppedKind, type RunErrorPlan, type RunFailure } from '../core/view/runErrorPlan';
import { VariantProgress } from '../core/view/variantProgress';
import { DEFAULT_RUN_CONCURRENCY, DEFAULT_RUN_DEADLINE_S, DEFAULT_RUN_TIMEOUT_MS, RUN_SETTINGS } from './ids';
import { LanguageModelChat } from './lmModel';
import type { ModelSelection } from './modelSelection';
import { tracedModel } from '../core/view/tracedModel';
import { readProviders } from './providerSettings';
import type { ResultsStore } from './resultsStore';
import { showRunError } from './runErrors';
import { ensureTrusted } from './trust';
import type { ApiKeys } from './secrets';

/** What to run: a scenario file, optionally one variant, optionally other models than the current selection. */
export interface RunRequest {
  uri: vscode.Uri;
  variant?: string;
  /** provider/model ids; default: current selection. */
  models?: string[];
  /** Also run every session's guarded twin (the guard A/B, `run.guard`); default the file's `run.guard`. */
  guard?: boolean;
}

export interface RunOutcome {
  runId: string;
  logFile: string;
  summary: RunSummary;
  /** The analysis of the merged results shown (this run's figures with the other variants' and models' newest). */
  analysis: ScenarioAnalysis;
  /** Why a model's variant is not fully measured (a partial run), undefined when it is. */
  incomplete: (model: string, variant: string) => string | undefined;
  /** The results' provenance label ("partial 7/24 · from 2 runs"), when they are not one whole run. */
  label?: string;
}

/** The run logs of a scenario file: `.dilemma/runs` under its workspace root, exactly where the CLI puts them. */
export function runDirOf(file: string): string {
  return defaultRunDir(file);
}

class RunFailed extends Error {
  constructor(readonly failure: RunFailure) {
    super(failure.kind);
  }
}

/**
 * Runs scenarios from the editor through the same engine, cache and run log as the CLI, with a
 * progress notification (per-variant counts, cancel) and results streamed into the `ResultsStore`.
 */
export class RunController implements vscode.Disposable {
  private readonly running = new Map<string, AbortController>();
  /** The last error shown, for tests and the status bar. */
  lastError: RunErrorPlan | undefined;

  constructor(
    private readonly store: ResultsStore,
    private readonly selection: ModelSelection,
    private readonly keys: ApiKeys,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Whether a run of this file is in progress. */
  isRunning(uri: vscode.Uri): boolean {
    return this.running.has(uri.toString());
  }

  /** Runs with a progress notification (per-variant progress, cancel); resolves undefined when the user cancelled before start or the run could not start (the error was already shown with its fix button). */
  async run(req: RunRequest, token?: vscode.CancellationToken): Promise<RunOutcome | undefined> {
    if (!(await ensureTrusted())) return undefined; // untrusted workspace: nothing is sent to a model
    const key = req.uri.toString();
    if (this.running.has(key)) {
      void vscode.window.showInformationMessage('Dilemma Lens: this scenario is already running; cancel it from its progress notification first.');
      return undefined;
    }
    const abort = new AbortController();
    this.running.set(key, abort);
    try {
      return await this.runOnce(req, abort, token);
    } catch (err) {
      if (err instanceof RunFailed) {
        this.lastError = runErrorPlan(err.failure);
        this.log.error(this.lastError.message);
        void showRunError(this.lastError, req.uri);
        return undefined;
      }
      throw err;
    } finally {
      this.running.delete(key);
    }
  }

  private async runOnce(req: RunRequest, abort: AbortController, token: vscode.CancellationToken | undefined): Promise<RunOutcome | undefined> {
    this.lastError = undefined;
    const doc = await vscode.workspace.openTextDocument(req.uri);
    // Run what is on disk, so the CLI can resume the run (it checks the file's hash against the log's).
    if (doc.isDirty && !(await doc.save())) throw new RunFailed({ kind: 'invalid-scenario', message: 'the file could not be saved before the run', offset: 0, errors: 1 });
    const text = doc.getText();
    const { parsed, problems } = checkScenario(text);
    const errors = problems.filter((p) => p.severity === 'error');
    const scenario = parsed.scenario;
    if (errors.length > 0 || !scenario) {
      const first = errors[0];
      throw new RunFailed({ kind: 'invalid-scenario', message: first?.message ?? 'the document is not a scenario', offset: first?.range.start ?? 0, errors: Math.max(1, errors.length) });
    }
    if (req.uri.scheme !== 'file') throw new RunFailed({ kind: 'invalid-scenario', message: 'save the scenario to a file first (run logs live next to it)', offset: 0, errors: 1 });
    if (req.variant !== undefined && !scenario.variants.some((v) => v.name === req.variant))
      throw new RunFailed({ kind: 'invalid-scenario', message: `there is no variant "${req.variant}"`, offset: scenario.idRange.start, errors: 1 });

    const ids = req.models?.length ? req.models : this.selection.current.length ? [...this.selection.current] : scenario.run.models;
    if (ids.length === 0) throw new RunFailed({ kind: 'no-model' });
    const timeoutMs = Math.max(1, vscode.workspace.getConfiguration().get<number>(RUN_SETTINGS.timeout, DEFAULT_RUN_TIMEOUT_MS));
    const models = await this.resolveModels(ids, timeoutMs);
    if (token?.isCancellationRequested) return undefined;

    const file = req.uri.fsPath;
    const config = vscode.workspace.getConfiguration();
    const concurrency = Math.max(1, config.get<number>(RUN_SETTINGS.concurrency, DEFAULT_RUN_CONCURRENCY));
    const scheduler = createScheduler({ concurrency, maxRetries: 3, baseDelayMs: 500, maxDelayMs: 8_000, requestTimeoutMs: timeoutMs });
    const priced = pricesOfSetting(config.get<unknown>(RUN_SETTINGS.prices), RUN_SETTINGS.prices);
    for (const p of priced.problems) this.log.warn(`${p}; left out`);
    const deadlineS = config.get<number>(RUN_SETTINGS.deadline, DEFAULT_RUN_DEADLINE_S);
    const deadline = deadlineS > 0 ? Date.now() + deadlineS * 1000 : undefined;
    const title = `Dilemma Lens: ${scenario.id}${req.variant ? ` · ${req.variant}` : ''} on ${ids.join(', ')}`;
    this.log.info(`run ${scenario.id}${req.variant ? ` (variant ${req.variant})` : ''} on ${ids.join(', ')}`);

    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, progressToken) => {
      const subs = [progressToken.onCancellationRequested(() => abort.abort()), ...(token ? [token.onCancellationRequested(() => abort.abort())] : [])];
      if (token?.isCancellationRequested) abort.abort();
      let counts: VariantProgress | undefined;
      let summary: RunSummary;
      try {
        summary = await runScenario({
          scenario,
          file,
          text,
          models,
          scheduler,
          cache: createDiskCache(defaultCacheDir(file)),
          runDir: runDirOf(file),
          ...(req.variant !== undefined ? { variant: req.variant } : {}),
          ...(req.guard ? { guard: true } : {}),
          concurrency,
          ...(deadline !== undefined ? { deadline } : {}),
          ...(config.get<boolean>(RUN_SETTINGS.fresh, false) ? { fresh: true } : {}),
          priceOf: priceLookup(priced.prices),
          signal: abort.signal,
          onPreflight: async (p) => {
            const log = await readRunLog(p.logPath);
            this.store.begin(req.uri, scenario, text, log.header, p.logPath, log.sessions);
            const done = new Set(log.sessions.map((s) => s.key));
            counts = new VariantProgress((function* () {
              for (const s of p.plan.sessions()) if (!done.has(s.key)) yield s.variant;
            })());
            progress.report({ message: `${counts.text()}${p.cachedCalls ? ` (${p.cachedCalls} answers cached)` : ''}` });
            this.log.info(`run ${p.runId}: ${counts.sessions} sessions, log ${p.logPath}`);
          },
          onSession: (record) => {
            this.store.add(req.uri, record);
            counts?.add(record.variant);
            if (record.status === 'failed') this.log.warn(`session ${record.key} failed: ${record.error ?? 'unknown error'}`);
            if (counts) progress.report({ message: counts.text(), increment: 100 / Math.max(1, counts.sessions) });
          },
        });
      } catch (err) {
        if (err instanceof RunSetupError) throw new RunFailed({ kind: 'invalid-scenario', message: err.message, offset: scenario.idRange.start, errors: 1 });
        throw err;
      } finally {
        for (const s of subs) s.dispose();
      }
      const results = await this.store.finish(req.uri);
      this.log.info(`run ${summary.runId}: ${summary.complete} complete, ${summary.failed} failed, ${summary.notRun} not run, ${summary.calls} calls (${summary.cachedCalls} cached) in ${summary.durationMs} ms${summary.stopped ? `; stopped: ${summary.stopped}` : ''}`);
      if (summary.stopped === 'unreachable') {
        const model = summary.unreachableModel ?? ids[0] ?? '';
        const plan = runErrorPlan({ kind: 'stopped', model, provider: model.split('/')[0] ?? '', errorKind: stoppedKind(summary.reason), reason: summary.reason ?? '' });
        this.lastError = plan;
        void showRunError(plan, req.uri);
      } else if (summary.stopped === 'aborted') {
        void vscode.window.showInformationMessage(`Dilemma Lens: cancelled; ${summary.complete + summary.failed} session(s) kept. Run again, or resume with \`dilemma run --resume ${summary.runId}\`.`);
      } else if (summary.stopped === 'deadline') {
        void vscode.window.showInformationMessage(`Dilemma Lens: the run deadline (dilemmaLens.run.deadline) passed; ${summary.notRun} session(s) unfinished. Resume with \`dilemma run --resume ${summary.runId}\`.`);
      }
      // A run that answered nothing (stopped before any answer) leaves the earlier results shown; it has no outcome of its own.
      if (summary.stopped && summary.complete === 0) return undefined;
      if (!results?.analysis) {
        if (summary.stopped) return undefined;
        throw new Error(`run ${summary.runId} produced no results`);
      }
      return { runId: summary.runId, logFile: summary.logPath, summary, analysis: results.analysis, incomplete: results.incomplete, ...(results.label ? { label: results.label } : {}) };
    });
  }

  /** `provider/model` ids to ready models: configured providers (key from SecretStorage) or VS Code's language models. */
  private async resolveModels(ids: readonly string[], timeoutMs: number): Promise<ChatModel[]> {
    const { providers } = readProviders();
    const out: ChatModel[] = [];
    for (const id of ids) {
      let provider: string;
      let name: string;
      try {
        ({ provider, model: name } = parseModelId(id));
      } catch {
        throw new RunFailed({ kind: 'unknown-provider', model: id, provider: id, known: providers.map((p) => p.id) });
      }
      if (provider === LM_PROVIDER) {
        const [lm] = await vscode.lm.selectChatModels({ id: name });
        if (!lm) throw new RunFailed({ kind: 'unknown-lm-model', model: id });
        out.push(tracedModel(new LanguageModelChat(lm), this.log));
        continue;
      }
      const entry = providers.find((p) => p.id === provider);
      if (!entry) throw new RunFailed({ kind: 'unknown-provider', model: id, provider, known: providers.map((p) => p.id) });
      const apiKey = await this.keys.get(provider);
      if (entry.apiKeyRequired && !apiKey) throw new RunFailed({ kind: 'missing-key', model: id, provider });
      out.push(tracedModel(new OpenAICompatibleModel({ provider, model: name, baseUrl: entry.baseUrl, ...(apiKey ? { apiKey } : {}), timeoutMs }), this.log, apiKey));
    }
    return out;
  }

  /** Cancels every run in progress. */
  cancelAll(): void {
    for (const a of this.running.values()) a.abort();
  }

  dispose(): void {
    this.cancelAll();
  }
}
