/**
 * `dilemma run <files...>`: validate the scenarios, resolve the models (providers from the user's
 * config file, keys from the environment), print the preflight estimate, run with a progress bar,
 * say where the run log is, and end with the analysis of every completed run. Exit codes: 0 done
 * and every assert passed, 1 an assert failed or could not be measured (or the call budget stopped
 * the run), 2 usage or scenario error, 3 a model could not be reached, 130 cancelled.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkScenario } from '../core/scenario/validate';
import { canGuard } from '../core/run/plan';
import { PLAN_CALL_LIMIT, type Scenario } from '../core/scenario/model';
import type { ChatModel } from '../core/models/chatModel';
import { ModelError } from '../core/models/chatModel';
import { configPrices, loadProvidersConfig, resolveModel, type ProvidersConfig } from '../core/models/providers';
import { costBand, formatUsd } from '../core/models/prices';
import { createScheduler } from '../core/run/scheduler';
import { createDiskCache } from '../core/run/cache';
import { defaultCacheDir, defaultRunDir } from '../core/workspace/layout';
import { PlanTooLargeError, runScenario, RunSetupError, type Preflight, type RunSummary } from '../core/run/engine';
import { newRunId, readRunLog, runLogPath, isValidRunId } from '../core/run/runLog';
import { parseShard, shardLabel, type Shard } from '../core/run/shard';
import { createProgress, formatCostBand, formatEstimate, formatPreflight } from './progress';
import { flagHelp, parseArgv, UsageError, type CliCommand, type FlagSpec, type ParsedArgv } from './argv';
import { positionAt } from './location';
import { analyzeLogFiles, AnalyzeInputError, type AnalyzedLogs } from '../core/workspace/analyzeLogs';
import type { AnalyzeOptions, ScenarioAnalysis } from '../core/analysis/analyzeRun';
import { buildReport } from '../core/report/json';
import { reportJunit } from '../core/report/junit';
import { reportMarkdown } from '../core/report/markdown';
import { reportText } from '../core/report/text';

export interface RunIo {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Cancels the run; without one, SIGINT does. */
  signal?: AbortSignal;
}

/** Calls a plan may make before `run` asks for `--yes` or `--max-calls`. */
export const DEFAULT_PLAN_LIMIT = PLAN_CALL_LIMIT;

/** `run`'s flags; `bench` takes most of them too. */
export const RUN_FLAGS: FlagSpec[] = [
  { name: 'model', kind: 'string', multiple: true, description: 'provider/model (default: the scenario\'s run.models)' },
  { name: 'base-url', kind: 'string', description: 'OpenAI-compatible endpoint for the models\' provider' },
  { name: 'samples', kind: 'string', description: 'sessions per model x variant x persona (default: run.samples)' },
  { name: 'concurrency', kind: 'string', description: 'sessions and calls in flight (default 8)' },
  { name: 'variant', kind: 'string', description: 'run only this variant' },
  { name: 'format', kind: 'string', choices: ['text', 'json', 'markdown', 'junit'], description: 'output: text (default), json, markdown or junit; the analysis of the run ends it' },
  { name: 'out', kind: 'string', description: 'run logs go to DIR/<scenario>/<run-id>.jsonl (default <workspace>/.dilemma/runs)' },
  { name: 'guard', kind: 'boolean', description: 'also run every session with the arbitration rules stated as its policy, and compare (the guard A/B; as run.guard: true)' },
  { name: 'no-cache', kind: 'boolean', description: 'neither read nor write the response cache' },
  { name: 'fresh', kind: 'boolean', description: 'draw new samples: reuse no cached answer of an earlier run (this run\'s own answers are cached for its --resume)' },
  { name: 'resume', kind: 'string', description: 'run only the sessions of run ID missing from its log' },
  { name: 'shard', kind: 'string', description: 'run only shard I of N of the sessions (I/N, e.g. 2/4; a stable hash of each session key); join the logs with dilemma merge' },
  { name: 'max-calls', kind: 'string', description: 'stop after N model calls (attempts); resume later with --resume. Also accepts a plan above --plan-limit' },
  { name: 'max-cost', kind: 'string', description: 'stop once the calls cost USD dollars at the price table (e.g. 2.50); resume later with --resume' },
  { name: 'plan-limit', kind: 'string', description: `refuse a plan of more calls than N (default ${DEFAULT_PLAN_LIMIT.toLocaleString('en-US')}; also $DILEMMA_PLAN_LIMIT)` },
  { name: 'yes', kind: 'boolean', short: 'y', description: 'run a plan above --plan-limit anyway' },
  { name: 'timeout', kind: 'string', description: 'per request attempt, in ms (default 60000; also $DILEMMA_REQUEST_TIMEOUT_MS)' },
  { name: 'deadline', kind: 'string', description: 'the whole run: 90s, 5m, 1h or ms; what is unfinished is reported and --resume continues it (exit 124)' },
  { name: 'help', kind: 'boolean', short: 'h', description: 'show this help' },
];

export const RUN_USAGE = `usage: dilemma run <files...> --model provider/model [--model ...] [options]

${flagHelp(RUN_FLAGS)}

Providers come from ~/.config/dilemma-lens/providers.json (or $DILEMMA_CONFIG); API keys only from
the environment (OPENAI_API_KEY, or the provider's apiKeyEnv). See docs/run.md.
Exit code: 0 done and every assert passed, 1 an assert failed or could not be measured, or stopped by
--max-calls, 2 usage or scenario error (or a plan above --plan-limit), 3 a model could not be reached,
124 stopped by --deadline, 130 cancelled.`;

export type RunFormat = 'text' | 'json' | 'markdown' | 'junit';

export interface RunArgs {
  files: string[];
  models: string[];
  baseUrl?: string;
  samples?: number;
  concurrency: number;
  variant?: string;
  format: RunFormat;
  out?: string;
  cache: boolean;
  /** `--guard`: the guard A/B for every file (each file's `run.guard` applies without it). */
  guard: boolean;
  fresh: boolean;
  resume?: string;
  shard?: Shard;
  maxCalls?: number;
  maxCost?: number;
  planLimit?: number;
  yes: boolean;
  timeoutMs?: number;
  deadlineMs?: number;
  help: boolean;
}

function integer(flag: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${flag} needs ${min === 0 ? 'a non-negative' : 'a positive'} integer, got "${v}"`);
  return Number(v);
}

/** `--deadline`: `500ms`, `90s`, `5m`, `1h`, `1.5s`, or a bare number of milliseconds. */
export function parseDuration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m?.[2] ?? 'ms'];
  const ms = m ? Math.round(Number(m[1]) * (unit ?? 1)) : NaN;
  if (!(ms > 0)) throw new UsageError(`--deadline needs a duration such as 90s, 5m, 1h or a number of ms, got "${v}"`);
  return ms;
}

/** Parses `run`'s arguments; throws a `UsageError` naming the offending flag. */
export function parseRunArgs(argv: readonly string[]): RunArgs {
  return runArgsFrom(parseArgv(argv, RUN_FLAGS));
}

/**
 * `RunArgs` from parsed flags. `bench` reads its run-log folder from another flag (`outFlag`) and has
 * a report format of its own, so the run is told `text` (`format`).
 */
export function runArgsFrom(p: ParsedArgv, options: { outFlag?: string; format?: RunFormat } = {}): RunArgs {
  const resume = p.string('resume');
  if (resume !== undefined && !isValidRunId(resume)) throw new UsageError(`--resume needs a run id, got "${resume}"`);
  const samples = integer('samples', p.string('samples'), 1);
  const shardText = p.string('shard');
  let shard: Shard | undefined;
  try {
    shard = shardText === undefined ? undefined : parseShard(shardText);
  } catch (err) {
    throw new UsageError(`--shard: ${(err as Error).message}`);
  }
  const maxCalls = integer('max-calls', p.string('max-calls'), 0);
  const planLimit = integer('plan-limit', p.string('plan-limit'), 0);
  const maxCostText = p.string('max-cost');
  if (maxCostText !== undefined && !/^\$?\d+(\.\d+)?$/.test(maxCostText)) throw new UsageError(`--max-cost needs an amount of US dollars such as 2.50, got "${maxCostText}"`);
  const maxCost = maxCostText === undefined ? undefined : Number(maxCostText.replace('$', ''));
  const timeoutMs = integer('timeout', p.string('timeout'), 1);
  const deadline = p.string('deadline');
  const deadlineMs = deadline === undefined ? undefined : parseDuration(deadline);
  const baseUrl = p.string('base-url');
  const variant = p.string('variant');
  const out = p.string(options.outFlag ?? 'out');
  return {
    files: p.positionals,
    models: p.list('model'),
    concurrency: integer('concurrency', p.string('concurrency'), 1) ?? 8,
    format: options.format ?? ((p.string('format') ?? 'text') as RunFormat),
    cache: !p.bool('no-cache'),
    guard: p.bool('guard'),
    fresh: p.bool('fresh'),
    help: p.bool('help'),
    yes: p.bool('yes'),
    ...(planLimit !== undefined ? { planLimit } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(deadlineMs !== undefined ? { deadlineMs } : {}),
    ...(baseUrl !== undefined ? { baseUrl } : {}),
    ...(samples !== undefined ? { samples } : {}),
    ...(variant !== undefined ? { variant } : {}),
    ...(out !== undefined ? { out } : {}),
    ...(resume !== undefined ? { resume } : {}),
    ...(shard !== undefined ? { shard } : {}),
    ...(maxCalls !== undefined ? { maxCalls } : {}),
    ...(maxCost !== undefined ? { maxCost } : {}),
  };
}

function envInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : fallback;
}

interface Loaded {
  /** The path as given, for messages. */
  name: string;
  lineCounter: ReturnType<typeof checkScenario>['parsed']['lineCounter'];
  file: string;
  text: string;
  scenario: Scenario;
}

/** Reads and checks every file; prints `file:line:col: severity: message [code]` for problems. */
function loadScenarios(files: string[], io: RunIo): Loaded[] | undefined {
  const loaded: Loaded[] = [];
  let errors = 0;
  for (const f of files) {
    const file = path.resolve(io.cwd, f);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      io.stderr.write(`${f}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})\n`);
      errors++;
      continue;
    }
    const { parsed, problems } = checkScenario(text);
    for (const p of problems) {
      if (p.severity !== 'error') continue;
      const pos = positionAt(parsed.lineCounter, p.range.start);
      io.stderr.write(`${f}:${pos.line}:${pos.column}: ${p.severity}: ${p.message} [${p.code}]\n`);
      errors++;
    }
    if (!problems.some((p) => p.severity === 'error') && parsed.scenario) loaded.push({ name: f, lineCounter: parsed.lineCounter, file, text, scenario: parsed.scenario });
    else if (!parsed.scenario && problems.length === 0) {
      io.stderr.write(`${f}:1:1: error: not a scenario (the document is not a mapping)\n`);
      errors++;
    }
  }
  return errors > 0 ? undefined : loaded;
}

function formatSummary(s: RunSummary): string {
  const lines = [`${s.scenario}: ${s.complete} complete, ${s.failed} failed${s.notRun ? `, ${s.notRun} not run` : ''}${s.alreadyDone ? ` (${s.alreadyDone} from before)` : ''} of ${s.planned} sessions in ${(s.durationMs / 1000).toFixed(1)} s`];
  lines.push(`  ${s.calls} model calls, ${s.cachedCalls} from the cache, ${s.usage.promptTokens} prompt + ${s.usage.completionTokens} completion tokens${s.costUsd !== undefined ? `, ${formatUsd(s.costUsd)} spent` : ''}`);
  if (s.shard) lines.push(`  shard ${shardLabel(s.shard)}: ${s.planned} of the plan's sessions; join the shards' logs with dilemma merge`);
  if (s.stopped === 'aborted') lines.push(`  cancelled: resume with --resume ${s.runId}`);
  if (s.stopped === 'budget') lines.push(`  stopped: ${s.reason}; resume with --resume ${s.runId}`);
  if (s.stopped === 'unreachable') lines.push(`  stopped: ${s.reason}`);
  if (s.stopped === 'deadline') lines.push(`  stopped: ${s.reason}; resume with --resume ${s.runId}`);
  lines.push(`  Run log: ${s.logPath}`);
  return `${lines.join('\n')}\n`;
}

/** A summary of one scenario's run, with the preflight estimate when there was one. */
export type RunResult = RunSummary & { estimate?: Preflight['estimate']; cachedAtStart?: number };

/** What `executeRuns` did: the exit code so far, each scenario's run, and the analyses of the runs that ended by themselves. */
export interface RunOutcome {
  exit: number;
  runId: string;
  summaries: RunResult[];
  analyses: ScenarioAnalysis[];
  /** Per analysis (same order): the scenario and the sessions behind it. */
  analyzed: AnalyzedLogs['scenarios'];
}

/**
 * Validates, resolves the models and runs every scenario file through the engine (cache, resume,
 * budget, deadline), then analyses every run that ended by itself. Shared by `run` and `bench`.
 * Progress notes go to `info`; a number is an early exit code (usage, scenario or model error).
 */
export async function executeRuns(args: RunArgs, io: RunIo, info: RunIo['stdout'], command = 'run', analyzeOptions: AnalyzeOptions = {}): Promise<RunOutcome | number> {
  const loaded = loadScenarios(args.files, io);
  if (!loaded) return 2;
  if (args.guard) {
    // The guard states the arbitration rules as the policy: a file without them has nothing to state.
    const bare = loaded.filter((l) => !canGuard(l.scenario));
    for (const l of bare) {
      const pos = positionAt(l.lineCounter, l.scenario.idRange.start);
      io.stderr.write(`${l.name}:${pos.line}:${pos.column}: error: --guard states the scenario's \`arbitration\` rules to the model as its policy, and ${l.scenario.id} has none: add \`arbitration\` rules or run without --guard [guard-without-arbitration]\n`);
    }
    if (bare.length > 0) return 2;
  }

  const runDirOf = (file: string): string => (args.out ? path.resolve(io.cwd, args.out) : defaultRunDir(file));
  // Models: the flags, else the scenario's run.models; a resume uses the models its log names.
  const wanted = new Set<string>(args.models);
  if (args.models.length === 0) {
    for (const l of loaded) {
      let ids = l.scenario.run.models;
      if (args.resume) {
        try {
          ids = (await readRunLog(runLogPath(runDirOf(l.file), l.scenario.id, args.resume))).header.models;
        } catch {
          // The engine reports a missing or bad log with its path.
        }
      }
      for (const m of ids) wanted.add(m);
    }
  }
  if (wanted.size === 0) {
    io.stderr.write(`dilemma ${command}: no model: pass --model provider/model or set run.models in the scenario\n`);
    return 2;
  }

  const requestTimeoutMs = args.timeoutMs ?? envInt(io.env, 'DILEMMA_REQUEST_TIMEOUT_MS', 60_000);
  // The deadline counts from here, the whole invocation: every file's run shares it.
  const deadline = args.deadlineMs !== undefined ? Date.now() + args.deadlineMs : undefined;
  let config: ProvidersConfig;
  const models = new Map<string, ChatModel>();
  try {
    config = loadProvidersConfig(io.env);
    for (const id of wanted) models.set(id, resolveModel(id, { env: io.env, config, ...(args.baseUrl ? { baseUrl: args.baseUrl } : {}), timeoutMs: requestTimeoutMs }));
  } catch (err) {
    io.stderr.write(`dilemma ${command}: ${(err as Error).message}\n`);
    return err instanceof ModelError ? 3 : 2;
  }

  const priceOf = configPrices(config);
  const scheduler = createScheduler({
    concurrency: args.concurrency,
    maxRetries: envInt(io.env, 'DILEMMA_MAX_RETRIES', 4),
    baseDelayMs: envInt(io.env, 'DILEMMA_RETRY_BASE_MS', 500),
    maxDelayMs: envInt(io.env, 'DILEMMA_RETRY_MAX_MS', 8_000),
    requestTimeoutMs,
    ...(args.maxCalls !== undefined ? { maxCalls: args.maxCalls } : {}),
  });

  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  if (io.signal) io.signal.addEventListener('abort', onSigint, { once: true });
  else process.once('SIGINT', onSigint);
  const runId = args.resume ?? newRunId();
  // A plan above the limit needs --yes, or --max-calls, which bounds what this invocation spends.
  const planLimit = args.yes || args.maxCalls !== undefined ? undefined : (args.planLimit ?? envInt(io.env, 'DILEMMA_PLAN_LIMIT', DEFAULT_PLAN_LIMIT));
  const summaries: RunResult[] = [];
  let exit = 0;
  try {
    for (const l of loaded) {
      if (controller.signal.aborted) break;
      const ids = args.models.length > 0 ? args.models : [...wanted];
      const progress = createProgress(io.stderr, l.scenario.id);
      let pre: Preflight | undefined;
      let summary: RunSummary;
      try {
        summary = await runScenario({
          scenario: l.scenario,
          file: l.file,
          text: l.text,
          models: ids.map((id) => models.get(id) as ChatModel),
          scheduler,
          ...(args.cache ? { cache: createDiskCache(defaultCacheDir(l.file)) } : {}),
          runDir: runDirOf(l.file),
          ...(args.variant !== undefined ? { variant: args.variant } : {}),
          ...(args.samples !== undefined ? { samples: args.samples } : {}),
          ...(args.guard ? { guard: true } : {}),
          concurrency: args.concurrency,
          signal: controller.signal,
          ...(args.resume ? { resume: args.resume } : { runId }),
          ...(args.shard ? { shard: args.shard } : {}),
          ...(args.fresh ? { fresh: true } : {}),
          priceOf,
          ...(args.maxCost !== undefined ? { maxCost: args.maxCost } : {}),
          ...(planLimit !== undefined ? { planLimit } : {}),
          ...(deadline !== undefined ? { deadline } : {}),
          onEstimate: (e) => info.write(formatEstimate(l.scenario.id, e)),
          onPreflight: (p) => {
            pre = p;
            info.write(formatPreflight(p));
            info.write(formatCostBand(costBand(p.estimate, p.plan.models, priceOf, p.cachedCalls ?? 0, p.plan.settings.maxTokens), p.plan.models, priceOf));
          },
          onProgress: (p) => progress.update(p),
        });
      } catch (err) {
        if (err instanceof PlanTooLargeError) {
          io.stderr.write(
            `dilemma ${command}: ${l.file}: refused: ${err.message}. Pass --yes to run it all, --max-calls N to make at most N calls of it (resume with --resume), or raise --plan-limit; fewer --samples, variants or models make it smaller\n`,
          );
          exit = Math.max(exit, 2);
          continue;
        }
        if (err instanceof RunSetupError) {
          io.stderr.write(`dilemma ${command}: ${l.file}: ${err.message}\n`);
          exit = Math.max(exit, 2);
          continue;
        }
        throw err;
      } finally {
        progress.finish();
      }
      summaries.push({ ...summary, ...(pre ? { estimate: pre.estimate, ...(pre.cachedCalls !== undefined ? { cachedAtStart: pre.cachedCalls } : {}) } : {}) });
      if (args.format !== 'json') info.write(formatSummary(summary));
      if (summary.stopped === 'unreachable') exit = Math.max(exit, 3);
      else if (summary.stopped === 'deadline') {
        exit = Math.max(exit, 124);
        break;
      } else if (summary.stopped === 'budget') {
        exit = Math.max(exit, 1);
        break;
      } else if (summary.stopped === 'aborted') exit = 130;
    }
  } finally {
    if (io.signal) io.signal.removeEventListener('abort', onSigint);
    else process.removeListener('SIGINT', onSigint);
  }
  // Only runs that ended by themselves are analysed: a stopped run's sessions are a biased subset.
  // A shard is analysed (and its asserts checked) once merged: alone it is a fraction of the samples.
  const analyses: ScenarioAnalysis[] = [];
  const analyzed: AnalyzedLogs['scenarios'] = [];
  try {
    for (const s of summaries) {
      if (s.stopped) continue;
      if (s.shard) {
        info.write(`${s.scenario}: shard ${shardLabel(s.shard)} is analysed after dilemma merge joins the shards\n`);
        continue;
      }
      const log = path.relative(io.cwd, s.logPath) || s.logPath;
      const r = await analyzeLogFiles([log], io.cwd, { ...analyzeOptions, scenarioFile: s.file });
      analyses.push(...r.analyses);
      analyzed.push(...r.scenarios);
    }
  } catch (err) {
    if (!(err instanceof AnalyzeInputError)) throw err;
    io.stderr.write(`dilemma ${command}: cannot analyse the run: ${err.message}\n`);
    return Math.max(exit, 2);
  }
  return { exit, runId, summaries, analyses, analyzed };
}

/** Runs `dilemma run` with full control of its streams, environment and cancellation (tests, scripts). */
export async function runCommand(argv: readonly string[], io: RunIo): Promise<number> {
  const args = parseRunArgs(argv);
  if (args.help) {
    io.stdout.write(`${RUN_USAGE}\n`);
    return 0;
  }
  if (args.files.length === 0) throw new UsageError('no scenario files given');
  // Only text mixes progress notes into stdout; the other formats keep it for the report alone.
  const info = args.format === 'text' ? io.stdout : io.stderr;
  const outcome = await executeRuns(args, io, info);
  if (typeof outcome === 'number') return outcome;
  const { runId, summaries, analyses } = outcome;
  let exit = outcome.exit;
  switch (args.format) {
    case 'json':
      io.stdout.write(`${JSON.stringify({ runId, runs: summaries, ...(analyses.length > 0 ? { report: buildReport(analyses, { generatedAt: new Date().toISOString() }) } : {}) }, null, 2)}\n`);
      break;
    case 'markdown':
      if (analyses.length > 0) io.stdout.write(reportMarkdown(analyses));
      break;
    case 'junit':
      if (analyses.length > 0) io.stdout.write(reportJunit(analyses));
      break;
    default:
      if (analyses.length > 0) io.stdout.write(`\nAnalysis:\n${reportText(analyses)}`);
  }
  if (args.format !== 'text') for (const a of analyses) for (const w of a.warnings) io.stderr.write(`warning: ${w}\n`);
  // The asserts speak only when nothing else went wrong: 2, 3 and 130 say more, and a budget stop is already 1.
  if (exit === 0 && analyses.some((a) => a.asserts.some((r) => r.status !== 'pass'))) exit = 1;
  return exit;
}

/** `dilemma run` in the CLI's command table: the process's streams, environment and SIGINT. */
export const runCommandModule: CliCommand = {
  summary: 'run scenarios against models and log every session',
  usage: RUN_USAGE,
  run: (args, io) =>
    runCommand(args, {
      stdout: { write: (t: string) => io.stdout(t), isTTY: process.stdout.isTTY, columns: process.stdout.columns },
      stderr: { write: (t: string) => io.stderr(t), isTTY: process.stderr.isTTY, columns: process.stderr.columns },
      env: process.env,
      cwd: io.cwd,
    }),
};
